"""Notices to WeCom customer groups (客户群): one 群发 task per owning grid worker, a message telling
the worker to confirm it in WeCom, and a watch that reads each task's outcome per group."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone

from bot.handlers.background import stop_task
from bot.handlers.wecom.client import WecomApi, WecomApiError
from bot.handlers.wecom.sender import RATE_LIMIT_PAUSE, error_kind
from bot.messages import Reply
from bot.texts import t
from scheduler.senders import FATAL, RETRY, SendError
from store.customer_groups import (TASK_TARGET, open_tasks, record_results, task_created, task_of_key)
from store.db import Database
from store.models import CustomerGroup
from store.models.customer_groups import FAILED, SENT

log = logging.getLogger("linli.wecom")

KEEP_WATCHING = timedelta(days=7)  # a task nobody confirmed within a week is left as it is
# get_groupmsg_send_result: 0 not sent yet, 1 sent, 2 not a friend, 3 already got another 群发.
STATUSES = {1: SENT, 2: FAILED, 3: FAILED}
NAMES_SHOWN = 3


class CustomerGroupSender:
    """Creates the 群发 task of an outbox row (target "wecom_customer_group", external id: owner)."""

    channel = TASK_TARGET

    def __init__(self, api: WecomApi, db: Database, clock, lang: str = "zh"):
        self.api = api
        self.db = db
        self.clock = clock
        self.lang = lang

    async def send(self, external_id: str, reply: Reply) -> None:
        """A task needs its outbox key to know its groups: a bare reply cannot become one."""
        raise SendError(FATAL, "a 群发 task is sent with its outbox key")

    async def send_keyed(self, idem_key: str, external_id: str, reply: Reply) -> None:
        """Create the task once (a row sent again finds its msgid) and tell the worker to confirm it."""
        found = await asyncio.to_thread(self._task, idem_key)
        if found is None:
            raise SendError(FATAL, "no 群发 task for this notice")
        msgid, chats, names = found
        if msgid:
            return  # created before a worker died; the worker was told then
        try:
            result = await self.api.add_group_msg_task(external_id, chats, reply.text)
        except WecomApiError as exc:
            pause = RATE_LIMIT_PAUSE if exc.code in (45009, 45033) else None
            raise SendError(error_kind(exc), str(exc), retry_after=pause) from None
        if not result.get("msgid"):
            raise SendError(RETRY, "add_msg_template gave no msgid")
        failed = [str(chat) for chat in result.get("fail_list") or []]
        shown = "、".join(names[:NAMES_SHOWN]) + ("…" if len(names) > NAMES_SHOWN else "")
        confirm = Reply(t("cgroup_confirm", self.lang, n=len(chats), names=shown, text=reply.text)).to_dict()
        await asyncio.to_thread(self._created, idem_key, result["msgid"], confirm, failed)

    def _task(self, key: str) -> tuple[str, list[str], list[str]] | None:
        with self.db.session() as session:
            found = task_of_key(session, key)
            if found is None:
                return None
            task, chats = found
            synced = [session.get(CustomerGroup, chat) for chat in chats]
            names = [(row.name if row is not None else "") or chat for row, chat in zip(synced, chats)]
            return task.msgid, chats, names

    def _created(self, key: str, msgid: str, confirm: dict, failed: list[str]) -> None:
        with self.db.session() as session:
            task_created(session, key, msgid, confirm, failed, self.clock.now())


class TaskWatch:
    """Reads the outcome of open 群发 tasks every `every` seconds and stores it per group."""

    def __init__(self, api: WecomApi, db: Database, clock, every: float):
        self.api = api
        self.db = db
        self.clock = clock
        self.every = every
        self._task: asyncio.Task | None = None

    async def check_once(self) -> int:
        """One round over the open tasks; how many groups changed."""
        now = self.clock.now()
        tasks = await asyncio.to_thread(self._open, now - KEEP_WATCHING)
        changed = 0
        for task_id, msgid, owner in tasks:
            try:
                statuses, times = await self._results(msgid, owner)
            except WecomApiError as exc:
                log.warning("群发 task %s: outcome not read: %s", task_id, exc)
                continue
            changed += await asyncio.to_thread(self._record, task_id, statuses, times)
        return changed

    async def _results(self, msgid: str, owner: str) -> tuple[dict[str, str], dict[str, datetime]]:
        statuses: dict[str, str] = {}
        times: dict[str, datetime] = {}
        cursor = ""
        for _ in range(100):  # pages of 1000 groups: far beyond any grid worker
            page = await self.api.group_msg_results(msgid, owner, cursor)
            for item in page.get("send_list") or []:
                chat, status = str(item.get("chat_id") or ""), STATUSES.get(int(item.get("status") or 0))
                if chat and status:
                    statuses[chat] = status
                    if item.get("send_time"):
                        times[chat] = datetime.fromtimestamp(int(item["send_time"]), timezone.utc).replace(tzinfo=None)
            cursor = page.get("next_cursor") or ""
            if not cursor:
                break
        return statuses, times

    def _open(self, since: datetime) -> list[tuple[int, str, str]]:
        with self.db.session() as session:
            return [(task.id, task.msgid, task.owner) for task in open_tasks(session, since)]

    def _record(self, task_id: int, statuses: dict[str, str], times: dict[str, datetime]) -> int:
        with self.db.session() as session:
            return record_results(session, task_id, statuses, self.clock.now(), times)

    async def _loop(self) -> None:
        while True:
            try:
                await self.check_once()
            except Exception:  # noqa: BLE001  (a bad round must not end the watch)
                log.exception("群发 outcomes not read")
            await asyncio.sleep(self.every)

    async def start(self) -> None:
        """Begin watching (a start step of the channel); off when every is 0."""
        if self.every > 0 and self._task is None:
            self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Stop watching."""
        await stop_task(self._task)
        self._task = None
