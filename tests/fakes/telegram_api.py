"""A small Bot API server on localhost: real python-telegram-bot code talks to it in tests."""
from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from aiohttp import web

# Parameters PTB sends as plain strings; every other value arrives JSON-encoded.
STRING_PARAMS = {"text", "caption", "callback_query_id", "inline_message_id", "parse_mode", "url",
                 "secret_token", "photo", "document"}

ERROR_TEXTS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class ApiCall:
    """One request the bot made: method, decoded parameters, the status it got and when it came."""

    method: str
    params: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.monotonic)  # arrival, before the body was read
    in_response: bool = False  # carried in a webhook's HTTP response, not a request of its own


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class _Failure:
    status: int
    description: str | None
    retry_after: int | None
    body: str | None


@dataclass
class _Queued:
    update: dict[str, Any]
    delivered: bool = False


@dataclass
class FakeBotApi:
    """The Bot API methods the bot uses, with a queue of updates the test feeds."""

    token: str = "123456:TEST-TOKEN"
    bot_id: int = 123456
    username: str = "linli_test_bot"
    calls: list[ApiCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: list[_Queued] = []
        self._sent: list[dict[str, Any]] = []
        self._answers: list[dict[str, Any]] = []  # new messages and new texts of old ones, in order
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._callbacks: dict[str, bool] = {}  # callback query id → answered
        self._failures: dict[str, list[_Failure]] = {}
        self._chat_failures: dict[int, _Failure] = {}
        self._random_failures: dict[str, tuple[float, tuple[int, ...], random.Random]] = {}
        self._holds: dict[str, asyncio.Event] = {}  # method → released when set
        self.held = 0  # requests waiting behind a hold right now (callers still connected)
        self.webhook: dict[str, Any] = {}  # what setWebhook was last given
        self.commands: list[dict[str, Any]] = []  # what setMyCommands was last given
        # Chat id → the reply keyboard under its input box, and the messages that put it there
        # (kept apart from `sent`, so a conversation reads as the bot's answers).
        self.keyboards: dict[int, list[list[Any]]] = {}
        self.keyboard_messages: list[dict[str, Any]] = []
        self._update_ids = count(1000)
        self._message_ids = count(1)
        self._file_ids = count(1)
        self._query_ids = count(1)
        self._wake = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server -----------------------------------------------------------------------------

    async def start(self) -> "FakeBotApi":
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Wake pending long polls and close the server."""
        self._closing = True
        self._wake.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "FakeBotApi":
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What to give ApplicationBuilder.base_url."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What to give ApplicationBuilder.base_file_url."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def me(self) -> dict[str, Any]:
        """The bot's own User object."""
        return {"id": self.bot_id, "is_bot": True, "first_name": "邻里", "username": self.username,
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    # -- feeding updates ----------------------------------------------------------------------

    def push_update(self, update: dict[str, Any], *, queue: bool = True) -> dict[str, Any]:
        """Queue a raw Update for getUpdates (pushing the same one twice delivers it twice).

        queue=False only builds it, for a test that POSTs it to a webhook itself.
        """
        if queue:
            self._queue.append(_Queued(update))
            self._wake.set()
        return update

    def push_text(self, user_id: int, text: str, *, chat_id: int | None = None,
                  first_name: str = "居民", last_name: str = "", update_id: int | None = None,
                  reply_to: dict[str, Any] | None = None, queue: bool = True) -> dict[str, Any]:
        """A text message from a user, in their private chat unless chat_id names a group."""
        user = self._user(user_id, first_name, last_name)
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self._chat(chat_id or user_id, user), "from": user, "text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return self.push_update({"update_id": update_id or next(self._update_ids), "message": message},
                                queue=queue)

    def push_message(self, user_id: int, **content: Any) -> dict[str, Any]:
        """A message without text in a private chat: voice=…, sticker=…, photo=[…], location=…."""
        user = self._user(user_id, "居民", "")
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self._chat(user_id, user), "from": user, **content}
        return self.push_update({"update_id": next(self._update_ids), "message": message})

    def push_callback(self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None,
                      first_name: str = "居民", update_id: int | None = None,
                      queue: bool = True) -> dict[str, Any]:
        """A press on an inline button of a message the bot sent."""
        user = self._user(user_id, first_name, "")
        chat_id = chat_id or user_id
        message = self._messages.get((chat_id, message_id)) or {
            "message_id": message_id, "date": int(time.time()), "chat": self._chat(chat_id, user),
            "from": self.me, "text": ""}
        query_id = f"cb{next(self._query_ids)}"
        self._callbacks[query_id] = False
        query = {"id": query_id, "from": user, "chat_instance": f"ci{chat_id}",
                 "message": json.loads(json.dumps(message)), "data": data}
        return self.push_update({"update_id": update_id or next(self._update_ids),
                                 "callback_query": query}, queue=queue)

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a later getUpdates offset."""
        return len(self._queue)

    def webhook_answered(self, status: int, body: bytes) -> None:
        """What Telegram does with a webhook's response: a 200 JSON body naming a method is a call."""
        if status != 200:
            return
        try:
            data = json.loads(body)
        except ValueError:
            return
        if not isinstance(data, dict) or not isinstance(data.get("method"), str):
            return
        params = {k: v for k, v in data.items() if k != "method"}
        call = ApiCall(data["method"], params, in_response=True)
        handler = getattr(self, f"_m_{call.method}", None)
        try:
            if handler is None:
                raise _ApiError(404, "Not Found: method not found")
            handler(params)
        except _ApiError as exc:  # Telegram drops a failed response call silently
            call.status = exc.status
        self.calls.append(call)

    async def deliver(self, http: Any, url: str, update: dict[str, Any], secret: str | None) -> int:
        """POST an update to a webhook as Telegram does, carry out its response; the HTTP status."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        async with http.post(url, data=body, headers=headers) as response:
            self.webhook_answered(response.status, await response.read())
            return response.status

    def requests(self) -> list[ApiCall]:
        """Every call that was a request of its own (not carried in a webhook response)."""
        return [c for c in self.calls if not c.in_response]

    # -- looking at what the bot did ------------------------------------------------------------

    def calls_of(self, method: str) -> list[ApiCall]:
        """Every request of one method, failed ones included."""
        return [c for c in self.calls if c.method == method]

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Every message sent, to any chat, as it was when sent."""
        return list(self._sent)

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """Messages sent to a chat, as they were when sent (later edits not applied)."""
        return [m for m in self._sent if m["chat"]["id"] == chat_id]

    def answers_to(self, chat_id: int) -> list[dict[str, Any]]:
        """What a chat was shown, in order, each as it was then: messages sent, and messages whose
        text was replaced (an answer put in place of the screen pressed)."""
        return [m for m in self._answers if m["chat"]["id"] == chat_id]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A message as it is now, edits applied."""
        return self._messages.get((chat_id, message_id))

    @property
    def unanswered_callbacks(self) -> list[str]:
        """Ids of pushed callback queries the bot has not answered."""
        return [qid for qid, answered in self._callbacks.items() if not answered]

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Return once predicate() holds; fail after timeout seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"condition not met within {timeout}s")
            await asyncio.sleep(0.005)

    async def wait_for_answers(self, chat_id: int, n: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """What a chat was shown (answers_to), once it holds at least n answers."""
        return await self._wait_for(self.answers_to, chat_id, n, "answers", timeout)

    async def wait_for_messages(self, chat_id: int, n: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The messages sent to a chat, once there are at least n of them."""
        return await self._wait_for(self.sent_to, chat_id, n, "messages", timeout)

    async def _wait_for(self, listed: Callable[[int], list[dict[str, Any]]], chat_id: int, n: int,
                        what: str, timeout: float) -> list[dict[str, Any]]:
        try:
            await self.wait_until(lambda: len(listed(chat_id)) >= n, timeout)
        except AssertionError:
            texts = [m.get("text") or m.get("caption") for m in listed(chat_id)]
            raise AssertionError(f"chat {chat_id}: wanted {n} {what}, got {texts}") from None
        return listed(chat_id)

    def fail_next(self, method: str, times: int = 1, *, status: int = 429,
                  description: str | None = None, retry_after: int | None = None,
                  body: str | None = None) -> None:
        """Make the next `times` calls of a method fail (body: raw text instead of JSON)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        failure = _Failure(status, description, retry_after, body)
        self._failures.setdefault(method, []).extend([failure] * times)

    def fail_randomly(self, method: str, rate: float, statuses: tuple[int, ...] = (429, 502),
                      seed: int = 17) -> None:
        """Make each later call of a method fail with probability `rate`, with one of `statuses`
        (a 429 asks to retry after 1 s); the message of a failed call is not delivered."""
        self._random_failures[method] = (rate, statuses, random.Random(seed))

    def hold(self, method: str) -> None:
        """Keep every later call of a method waiting until release(method)."""
        self._holds[method] = asyncio.Event()

    def release(self, method: str) -> None:
        """Let held calls go on; a caller that hung up meanwhile is answered nothing."""
        event = self._holds.pop(method, None)
        if event is not None:
            event.set()

    def fail_chat(self, chat_id: int, *, status: int = 403,
                  description: str = "Forbidden: bot was kicked from the group chat") -> None:
        """Make every later call that names this chat fail (a group that removed the bot)."""
        self._chat_failures[chat_id] = _Failure(status, description, None, None)

    def add_group(self, chat_id: int, title: str) -> dict[str, Any]:
        """A group chat with its own title (groups are otherwise all called 幸福社区群)."""
        self._chats[chat_id] = {"id": chat_id, "type": "group", "title": title}
        return self._chats[chat_id]

    # -- request handling ---------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        method = request.match_info["method"]
        params = await _decode(request)
        if request.match_info["token"] != self.token:
            return self._error(ApiCall(method, params, at=arrived), 401, "Unauthorized")
        call = ApiCall(method, params, at=arrived)
        chat_failure = self._chat_failures.get(params.get("chat_id"))
        if chat_failure is not None:
            return self._failed(call, chat_failure)
        hold = self._holds.get(method)
        if hold is not None and not await self._wait_hold(request, hold):
            return web.Response(status=499)  # the caller hung up: as if it never arrived
        failures = self._failures.get(method)
        if failures:
            return self._failed(call, failures.pop(0))
        if method in self._random_failures:
            rate, statuses, rng = self._random_failures[method]
            if rng.random() < rate:
                status = rng.choice(statuses)
                return self._failed(call, _Failure(status, None, 1 if status == 429 else None, None))
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._error(call, 404, "Not Found: method not found")
        try:
            result = handler(params) if method != "getUpdates" else await handler(params)
        except _ApiError as exc:
            return self._error(call, exc.status, exc.description)
        self.calls.append(call)
        return web.json_response({"ok": True, "result": result})

    async def _wait_hold(self, request: web.Request, hold: asyncio.Event) -> bool:
        """Wait for the release; False as soon as the caller's connection is gone."""
        self.held += 1
        try:
            while not hold.is_set():
                if request.transport is None or request.transport.is_closing():
                    return False
                try:
                    await asyncio.wait_for(hold.wait(), 0.05)
                except asyncio.TimeoutError:
                    pass
            return request.transport is not None and not request.transport.is_closing()
        finally:
            self.held -= 1

    def _failed(self, call: ApiCall, failure: _Failure) -> web.Response:
        if failure.body is not None:
            call.status = failure.status
            self.calls.append(call)
            return web.Response(status=failure.status, text=failure.body, content_type="text/html")
        text = failure.description or ERROR_TEXTS.get(failure.status, "Error").format(
            retry_after=failure.retry_after)
        extra = {"parameters": {"retry_after": failure.retry_after}} if failure.retry_after else {}
        return self._error(call, failure.status, text, **extra)

    def _error(self, call: ApiCall, status: int, description: str, **extra: Any) -> web.Response:
        call.status = status
        self.calls.append(call)
        return web.json_response({"ok": False, "error_code": status, "description": description,
                                  **extra}, status=status)

    # -- methods ------------------------------------------------------------------------------

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.me

    def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        if not commands or any(not c.get("command") or not c.get("description") for c in commands):
            raise _ApiError(400, "Bad Request: commands are invalid")
        self.commands = commands
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = dict(params)
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": 0, "allowed_updates": self.webhook.get("allowed_updates", [])}

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        if offset is not None:  # updates delivered before and below offset are confirmed
            self._queue = [q for q in self._queue
                           if not (q.delivered and q.update["update_id"] < offset)]
        limit = int(params.get("limit") or 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(float(params.get("timeout") or 0), 10.0)
        while not self._queue and not self._closing and loop.time() < deadline:
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), deadline - loop.time())
            except asyncio.TimeoutError:
                break
        batch = self._queue[:limit]
        for queued in batch:
            queued.delivered = True
        return [q.update for q in batch]

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text") or ""
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _units(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        keyboard = (params.get("reply_markup") or {}).get("keyboard")
        if keyboard is not None and isinstance(params.get("chat_id"), int):
            self.keyboards[params["chat_id"]] = keyboard
            # Telegram's answer carries no reply keyboard: a Message only ever shows an inline one.
            message = {"message_id": next(self._message_ids), "date": int(time.time()),
                       "chat": self._chat(params["chat_id"]), "from": self.me, "text": text}
            self.keyboard_messages.append(message)
            return message
        return self._new_message(params, text=text)

    def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        size = _size(params.get("photo"))
        file_id = f"photo{next(self._file_ids)}"
        photo = [{"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 640, "height": 480,
                  "file_size": size}]
        return self._new_message(params, photo=photo, **self._caption(params))

    def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        upload = params.get("document")
        name = upload.filename if isinstance(upload, UploadedFile) else "file"
        file_id = f"doc{next(self._file_ids)}"
        document = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": name,
                    "file_size": _size(upload)}
        return self._new_message(params, document=document, **self._caption(params))

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(params)
        markup = _markup(params)
        if message.get("text") == params.get("text") and message.get("reply_markup") == markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        message["text"] = params.get("text")
        _set_markup(message, markup)
        message["edit_date"] = int(time.time())
        self._answers.append(json.loads(json.dumps(message)))
        return message

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(params)
        markup = _markup(params)
        if message.get("reply_markup") == markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        _set_markup(message, markup)
        message["edit_date"] = int(time.time())
        return message

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = params.get("callback_query_id")
        if self._callbacks.get(query_id) is not False:
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired "
                                 "or query ID is invalid")
        self._callbacks[query_id] = True
        return True

    # -- helpers ------------------------------------------------------------------------------

    def _user(self, user_id: int, first_name: str, last_name: str) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}
        if last_name:
            user["last_name"] = last_name
        return user

    def _chat(self, chat_id: int, user: dict[str, Any] | None = None) -> dict[str, Any]:
        if chat_id not in self._chats:
            if chat_id > 0:
                self._chats[chat_id] = {"id": chat_id, "type": "private",
                                        "first_name": (user or {}).get("first_name", "居民")}
            else:
                self._chats[chat_id] = {"id": chat_id, "type": "group", "title": "幸福社区群"}
        return self._chats[chat_id]

    def _caption(self, params: dict[str, Any]) -> dict[str, Any]:
        caption = params.get("caption")
        if caption and _units(caption) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        return {"caption": caption} if caption else {}

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise _ApiError(400, "Bad Request: chat not found")
        markup = _markup(params)
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode("utf-8")) > 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self._chat(chat_id), "from": self.me, **content}
        _set_markup(message, markup)
        self._messages[(chat_id, message["message_id"])] = message
        self._sent.append(json.loads(json.dumps(message)))
        self._answers.append(self._sent[-1])
        return message

    def _existing(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._messages.get((params.get("chat_id"), params.get("message_id")))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        return message


class _ApiError(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


async def _decode(request: web.Request) -> dict[str, Any]:
    """A JSON body as it is; form fields with their JSON decoded; file parts as UploadedFile."""
    params: dict[str, Any] = {}
    if request.method == "POST" and request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    if request.method == "GET":
        form: Any = request.query
    else:
        form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            params[name] = UploadedFile(value.filename, value.content_type, value.file.read())
        elif name in STRING_PARAMS:
            params[name] = value
        else:
            try:
                params[name] = json.loads(value)
            except ValueError:
                params[name] = value
    return params


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    return markup if markup and markup.get("inline_keyboard") else None


def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup


def _size(upload: Any) -> int:
    return len(upload.data) if isinstance(upload, UploadedFile) else 0


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def button_rows(message: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The inline keyboard rows of a message dict ([] when it has none)."""
    return (message.get("reply_markup") or {}).get("inline_keyboard", [])
