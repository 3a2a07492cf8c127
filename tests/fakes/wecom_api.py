"""A local fake of the WeCom API (qyapi.weixin.qq.com) with the behaviour our tests lean on.

微信客服: `customer_writes` queues a WeChat user's message and returns the callback token;
kf/sync_msg pages from a cursor (`kf_page_size` per page); kf/send_msg refuses more than
`kf_limit` messages since the customer's last message (errcode 95001 in this fake).

Customer groups (客户群): `add_customer_group` makes a group a member owns; groupchat/list and
groupchat/get show them; add_msg_template with chat_type=group makes a 群发 task that stays
unconfirmed (get_groupmsg_send_result: status 0) until `confirm_task` plays the member pressing
发送 in WeCom (status 1). add_contact_way answers a config_id and a QR URL and keeps the state.

Tokens expire on request (42001, or 40014 for a token it never issued); application messages
beyond the per-member limit inside a minute are dropped silently and counted, as WeCom does.
"""
from __future__ import annotations

import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.local_server import LocalServer

OK = {"errcode": 0, "errmsg": "ok"}


class FakeWecomApi(LocalServer):
    """Runs on 127.0.0.1 on a free port; `base_url` is what settings.wecom.api_base_url takes."""

    def __init__(self, corp_id: str = "wwfakecorp", secret: str = "fake-secret",
                 clock: Callable[[], float] = time.monotonic, per_member_per_minute: int = 30,
                 token_ttl: int = 7200, members: set[str] | None = None):
        self.corp_id, self.secret = corp_id, secret
        self.clock = clock
        self.limit = per_member_per_minute
        self.token_ttl = token_ttl
        self.members = members  # None: every userid exists
        self.tokens: list[str] = []
        self.expired: set[str] = set()
        self.gettoken_calls = 0
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.dropped: dict[str, int] = defaultdict(int)
        self.card_updates: list[dict[str, Any]] = []
        self.menus: dict[int, dict[str, Any]] = {}  # agentid → the application's custom menu
        self.chats: dict[str, dict[str, Any]] = {}
        self.chat_messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.fail_next: dict[str, list[int]] = defaultdict(list)  # path → errcodes to answer
        self.kf_messages: dict[str, list[dict[str, Any]]] = defaultdict(list)  # open_kfid → all
        self.kf_sent: dict[str, list[dict[str, Any]]] = defaultdict(list)      # customer → ours
        self.kf_tokens: set[str] = set()
        self.kf_page_size = 1000
        self.kf_limit = 5
        self.kf_syncs = 0
        self._kf_since: dict[str, int] = defaultdict(int)
        self._delivered: dict[str, deque[float]] = defaultdict(deque)
        self._response_codes: set[str] = set()
        self._used_codes: set[str] = set()
        self.customer_groups: dict[str, dict[str, Any]] = {}   # chat_id → group_chat
        self.group_tasks: dict[str, dict[str, Any]] = {}       # msgid → the template and its state
        self.contact_ways: list[dict[str, Any]] = []

    # ---- control from tests -------------------------------------------------------------
    def expire_tokens(self) -> None:
        """Every token issued so far answers 42001 from now on."""
        self.expired.update(self.tokens)

    def texts(self, user: str) -> list[str]:
        """Text contents delivered to a member, in order."""
        return [m["text"]["content"] for m in self.messages[user] if m.get("msgtype") == "text"]

    def customer_writes(self, open_kfid: str, user: str, text: str | None = None) -> str:
        """A WeChat user writes text (None: a picture) to a 微信客服 account; the callback token."""
        msg: dict[str, Any] = {"msgid": secrets.token_hex(8), "open_kfid": open_kfid,
                               "external_userid": user, "send_time": int(time.time()), "origin": 3}
        msg.update({"msgtype": "text", "text": {"content": text}} if text is not None
                   else {"msgtype": "image", "image": {"media_id": "m-1"}})
        self.kf_messages[open_kfid].append(msg)
        self._kf_since[user] = 0
        token = secrets.token_urlsafe(12)
        self.kf_tokens.add(token)
        return token

    def kf_texts(self, user: str) -> list[str]:
        """Texts our 微信客服 accounts sent to a WeChat user, in order."""
        return [m["text"]["content"] for m in self.kf_sent[user]]

    def add_customer_group(self, chat_id: str, name: str, owner: str, members: int = 3) -> None:
        """A customer group a member owns, with some WeChat residents in it."""
        member_list = [{"userid": owner, "type": 1}] + [
            {"userid": f"wm{chat_id}{n}", "type": 2} for n in range(1, members)]
        self.customer_groups[chat_id] = {"chat_id": chat_id, "name": name, "owner": owner,
                                         "create_time": int(time.time()), "member_list": member_list}

    def tasks_of(self, sender: str) -> list[dict[str, Any]]:
        """The 群发 tasks made for a member, in order."""
        return [task for task in self.group_tasks.values() if task["sender"] == sender]

    def confirm_task(self, msgid: str) -> None:
        """The member confirms the task in WeCom: every group of it is sent to."""
        task = self.group_tasks[msgid]
        task["confirmed_at"] = int(time.time())

    def cards(self, user: str) -> list[dict[str, Any]]:
        """Template cards delivered to a member, in order."""
        return [m["template_card"] for m in self.messages[user] if m.get("msgtype") == "template_card"]

    # ---- server -------------------------------------------------------------------------
    def routes(self, app: web.Application) -> None:
        """The endpoints our code calls."""
        app.router.add_get("/cgi-bin/gettoken", self.gettoken)
        app.router.add_post("/cgi-bin/message/send", self.message_send)
        app.router.add_post("/cgi-bin/message/update_template_card", self.update_card)
        app.router.add_post("/cgi-bin/appchat/create", self.appchat_create)
        app.router.add_post("/cgi-bin/appchat/send", self.appchat_send)
        app.router.add_post("/cgi-bin/kf/sync_msg", self.kf_sync)
        app.router.add_post("/cgi-bin/kf/send_msg", self.kf_send)
        app.router.add_post("/cgi-bin/externalcontact/groupchat/list", self.groupchat_list)
        app.router.add_post("/cgi-bin/externalcontact/groupchat/get", self.groupchat_get)
        app.router.add_post("/cgi-bin/externalcontact/add_msg_template", self.add_msg_template)
        app.router.add_post("/cgi-bin/externalcontact/get_groupmsg_send_result", self.groupmsg_result)
        app.router.add_post("/cgi-bin/externalcontact/add_contact_way", self.add_contact_way)
        app.router.add_post("/cgi-bin/menu/create", self.menu_create)

    async def __aenter__(self) -> "FakeWecomApi":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def gettoken(self, request: web.Request) -> web.Response:
        self.gettoken_calls += 1
        if request.query.get("corpid") != self.corp_id or request.query.get("corpsecret") != self.secret:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        token = secrets.token_urlsafe(24)
        self.tokens.append(token)
        return web.json_response({**OK, "access_token": token, "expires_in": self.token_ttl})

    def _token_error(self, request: web.Request, path: str) -> dict[str, Any] | None:
        token = request.query.get("access_token", "")
        if token not in self.tokens:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if token in self.expired:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if self.fail_next[path]:
            code = self.fail_next[path].pop(0)
            return {"errcode": code, "errmsg": f"injected {code}"}
        return None

    def _deliver(self, user: str, msg: dict[str, Any]) -> None:
        now = self.clock()
        window = self._delivered[user]
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= self.limit:
            self.dropped[user] += 1  # WeCom answers ok and the member never sees it
            return
        window.append(now)
        self.messages[user].append(msg)

    async def message_send(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "message/send")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        users = [u for u in str(data.get("touser", "")).split("|") if u]
        known = [u for u in users if self.members is None or u in self.members]
        if not known:
            return web.json_response({"errcode": 81013, "errmsg": "user & party & tag all invalid"})
        msg = {k: v for k, v in data.items() if k not in ("touser", "toparty", "totag")}
        for user in known:
            self._deliver(user, msg)
        answer = {**OK, "invaliduser": "|".join(u for u in users if u not in known)}
        if data.get("msgtype") == "template_card":
            code = secrets.token_hex(8)
            self._response_codes.add(code)
            answer["response_code"] = code
        return web.json_response(answer)

    async def menu_create(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "menu/create")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        buttons = data.get("button") or []
        if not request.query.get("agentid", "").isdigit():
            return web.json_response({"errcode": 40056, "errmsg": "invalid agentid"})
        if not 1 <= len(buttons) <= 3 or any(len(b.get("sub_button") or []) > 5 for b in buttons):
            return web.json_response({"errcode": 40017, "errmsg": "invalid button size"})
        self.menus[int(request.query["agentid"])] = data
        return web.json_response(OK)

    async def update_card(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "message/update_template_card")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        code = data.get("response_code")
        if not code or code in self._used_codes:  # each code works once
            return web.json_response({"errcode": 40058, "errmsg": "invalid response_code"})
        self._used_codes.add(code)
        self.card_updates.append(data)
        return web.json_response(OK)

    async def appchat_create(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "appchat/create")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        chat_id = data.get("chatid") or secrets.token_hex(8)
        users = data.get("userlist") or []
        if len(users) < 2:
            return web.json_response({"errcode": 40058, "errmsg": "userlist needs 2 members"})
        if chat_id in self.chats:
            return web.json_response({"errcode": 86215, "errmsg": "chatid exists"})
        self.chats[chat_id] = data
        return web.json_response({**OK, "chatid": chat_id})

    async def appchat_send(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "appchat/send")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        if data.get("chatid") not in self.chats:
            return web.json_response({"errcode": 86003, "errmsg": "chat not found"})
        self.chat_messages[data["chatid"]].append(data)
        return web.json_response(OK)

    async def kf_sync(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "kf/sync_msg")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        self.kf_syncs += 1
        if data.get("token") not in self.kf_tokens:
            return web.json_response({"errcode": 95007, "errmsg": "invalid msg token"})
        start = int(data.get("cursor") or 0)
        messages = self.kf_messages[data.get("open_kfid", "")]
        page = messages[start:start + min(self.kf_page_size, int(data.get("limit") or 1000))]
        end = start + len(page)
        return web.json_response({**OK, "next_cursor": str(end), "has_more": int(end < len(messages)),
                                  "msg_list": page})

    async def kf_send(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "kf/send_msg")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        user = data.get("touser", "")
        if self._kf_since[user] >= self.kf_limit:
            return web.json_response({"errcode": 95001, "errmsg": "send msg count limit"})
        self._kf_since[user] += 1
        self.kf_sent[user].append(data)
        return web.json_response({**OK, "msgid": secrets.token_hex(8)})

    # ---- customer contact (客户联系) ------------------------------------------------------------
    async def groupchat_list(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "externalcontact/groupchat/list")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        owners = set((data.get("owner_filter") or {}).get("userid_list") or [])
        chats = [c for c in self.customer_groups.values() if not owners or c["owner"] in owners]
        start, limit = int(data.get("cursor") or 0), int(data.get("limit") or 100)
        page = chats[start:start + limit]
        more = start + limit < len(chats)
        return web.json_response({**OK, "group_chat_list": [{"chat_id": c["chat_id"], "status": 0} for c in page],
                                  "next_cursor": str(start + limit) if more else ""})

    async def groupchat_get(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "externalcontact/groupchat/get")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        chat = self.customer_groups.get(data.get("chat_id", ""))
        if chat is None:
            return web.json_response({"errcode": 40050, "errmsg": "chatid not found"})
        return web.json_response({**OK, "group_chat": chat})

    async def add_msg_template(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "externalcontact/add_msg_template")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        if data.get("chat_type") != "group" or not data.get("sender"):
            return web.json_response({"errcode": 41048, "errmsg": "chat_type group needs a sender"})
        if not (data.get("text") or {}).get("content"):
            return web.json_response({"errcode": 41047, "errmsg": "no content"})
        owned = [c for c in data.get("chat_id_list") or []
                 if self.customer_groups.get(c, {}).get("owner") == data["sender"]]
        msgid = "msg" + secrets.token_hex(8)
        self.group_tasks[msgid] = {**data, "msgid": msgid, "chats": owned, "confirmed_at": None}
        fails = [c for c in data.get("chat_id_list") or [] if c not in owned]
        return web.json_response({**OK, "msgid": msgid, "fail_list": fails})

    async def groupmsg_result(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "externalcontact/get_groupmsg_send_result")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        task = self.group_tasks.get(data.get("msgid", ""))
        if task is None or task["sender"] != data.get("userid"):
            return web.json_response({"errcode": 41063, "errmsg": "msgid not found"})
        sent = task["confirmed_at"]
        send_list = [{"chat_id": chat, "userid": task["sender"], "status": 1 if sent else 0,
                      **({"send_time": sent} if sent else {})} for chat in task["chats"]]
        return web.json_response({**OK, "send_list": send_list, "next_cursor": ""})

    async def add_contact_way(self, request: web.Request) -> web.Response:
        error = self._token_error(request, "externalcontact/add_contact_way")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        users = data.get("user") or []
        if data.get("type") != 1 or len(users) != 1 or (self.members is not None and users[0] not in self.members):
            return web.json_response({"errcode": 40098, "errmsg": "invalid user"})
        if len(str(data.get("state") or "")) > 30:
            return web.json_response({"errcode": 40058, "errmsg": "state too long"})
        config_id = secrets.token_hex(16)
        way = {**data, "config_id": config_id, "qr_code": f"https://wework.qpic.cn/fake/{config_id}/0"}
        self.contact_ways.append(way)
        return web.json_response({**OK, "config_id": config_id, "qr_code": way["qr_code"]})
