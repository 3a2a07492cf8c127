"""Lottery courses, companion seats and seat offers through the `linli serve` process and the fake
Bot API: residents apply by pressing buttons, `linli lottery draw` runs as a command and everyone
hears 中签 or 未中签; a resident bringing two companions takes three seats; on a course that offers
freed seats, a cancellation offers them to the first one waiting, who takes them with 接受."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from sqlmodel import select

from bot.clock import utcnow
from store.models import ChannelAccount, Course, Enrolment
from tests.fakes.telegram_api import FakeBotApi, button_rows
from tests.support.catalog import add_course
from tests.support.waiting import wait_until
from tests.support.workers import Worker, linli_env, post_update, run_linli, serving, telegram_on

ARRIVES_WITHIN = 20.0  # seconds; generous for a loaded machine, never waited out when things work
LOTTERY, PARTY = "LOT-01", "CMP-01"
APPLICANTS = [8001, 8002, 8003, 8004]


def set_course(db, code: str, **values) -> None:
    with db.session() as s:
        course = s.exec(select(Course).where(Course.code == code)).one()
        for name, value in values.items():
            setattr(course, name, value)
        s.add(course)


def enrolment_of(db, user: int, code: str) -> Enrolment:
    with db.session() as s:
        account = s.exec(select(ChannelAccount).where(ChannelAccount.channel == "telegram",
                                                      ChannelAccount.external_id == str(user))).one()
        return s.exec(select(Enrolment).join(Course).where(Enrolment.resident_id == account.resident_id,
                                                           Course.code == code)).one()


@dataclass
class Resident:
    """A Telegram user whose updates reach the worker's webhook as Telegram posts them."""

    api: FakeBotApi
    http: aiohttp.ClientSession
    worker: Worker
    user: int

    def texts(self) -> list[str]:
        return [m.get("text") or "" for m in self.api.answers_to(self.user)]

    async def sees(self, part: str, after: int = 0) -> str:
        """Wait for a message containing part (among those after the first `after`)."""
        def found() -> str | None:
            return next((t for t in self.texts()[after:] if part in t), None)
        await wait_until(lambda: found() is not None, ARRIVES_WITHIN,
                         what=lambda: f"{self.user} to get {part!r}; got {self.texts()[after:]}")
        return found()

    async def opens(self, code: str, expect: str) -> str:
        """Follow the course's deep link (t.me/bot?start=course-CODE)."""
        seen = len(self.texts())
        update = self.api.push_text(self.user, f"/start course-{code}", queue=False)
        assert await post_update(self.http, self.worker, update, api=self.api) == 200
        return await self.sees(expect, after=seen)

    def button(self, label: str) -> tuple[int, str] | None:
        """The newest message still showing a button labelled label: (message id, callback data)."""
        for sent in reversed(self.api.sent_to(self.user)):
            now = self.api.message(self.user, sent["message_id"]) or sent
            for row in button_rows(now):
                for button in row:
                    if button["text"].split(". ", 1)[-1] == label:  # shown as "1. 报名"
                        return now["message_id"], button["callback_data"]
        return None

    async def press(self, label: str, expect: str) -> str:
        """Press the button labelled label; the first new message containing expect."""
        await wait_until(lambda: self.button(label) is not None, ARRIVES_WITHIN,
                         what=lambda: f"{self.user} to see a button {label!r}; got {self.texts()}")
        message_id, data = self.button(label)
        seen = len(self.texts())
        update = self.api.push_callback(self.user, message_id, data, queue=False)
        assert await post_update(self.http, self.worker, update, api=self.api) == 200
        return await self.sees(expect, after=seen)


async def test_lottery_companions_and_an_offered_seat_through_serve(sqlite_served, tmp_path):
    url, db = sqlite_served
    start = utcnow() + timedelta(days=5)
    add_course(db, LOTTERY, "太极拳摇号班", capacity=2, first_start=start)
    set_course(db, LOTTERY, signup_mode="lottery", apply_until=utcnow() + timedelta(days=1))
    add_course(db, PARTY, "亲子书法课", capacity=3, first_start=start)
    set_course(db, PARTY, companions_max=2, seat_offer="offer")

    async with FakeBotApi() as api, aiohttp.ClientSession() as http:
        async with serving("seats", url, tmp_path, **telegram_on(api)) as worker:
            people = {user: Resident(api, http, worker, user) for user in APPLICANTS + [8101, 8102]}

            # The lottery: four apply, the deadline passes, the draw runs as a command.
            for user in APPLICANTS:
                await people[user].opens(LOTTERY, "摇号报名")
                await people[user].press("报名", "确认提交报名申请吗")
                await people[user].press("提交申请", "已收到您的报名申请")
            set_course(db, LOTTERY, apply_until=utcnow() - timedelta(minutes=1))  # the deadline is past
            status, out, err = await run_linli(linli_env(url, tmp_path / "files"),
                                               "lottery", "draw", LOTTERY, "--seed", "spring-2027")
            assert status == 0, err
            drawn = json.loads(out)
            assert drawn["applicants"] == 4 and len(drawn["seated"]) == 2 and len(drawn["waiting"]) == 2
            for user in APPLICANTS:
                result = await people[user].sees("摇号结果")
                if enrolment_of(db, user, LOTTERY).id in drawn["seated"]:
                    assert "恭喜中签" in result and "太极拳摇号班" in result
                else:
                    assert "很遗憾未中签" in result and "候补第" in result
            assert sorted(enrolment_of(db, u, LOTTERY).status for u in APPLICANTS) == [
                "confirmed", "confirmed", "waiting", "waiting"]

            # Companions: a party of three takes all three seats.
            host, waiter = people[8101], people[8102]
            await host.opens(PARTY, "还剩 3 个名额")
            await host.press("报名", "您带几位同伴")
            await host.press("带 2 位同伴", "共 3 人，占 3 个名额")
            await host.press("确认报名", "报名成功")
            assert enrolment_of(db, 8101, PARTY).party == 3
            await waiter.opens(PARTY, "亲子书法课")
            await waiter.press("报名候补", "您带几位同伴")
            await waiter.press("就我自己", "确认加入候补吗")
            await waiter.press("确认候补", "候补")
            assert enrolment_of(db, 8102, PARTY).status == "waiting"

            # seat_offer = offer: the host cancels, the seats are offered, the waiter accepts.
            await host.opens(PARTY, "亲子书法课")
            await host.press("取消报名", "确定取消")
            await host.press("确定取消", "已取消")
            offer = await waiter.sees("按候补顺序先留给您")
            assert "接受" in offer and "放弃" in offer
            assert enrolment_of(db, 8102, PARTY).status == "waiting"  # held for them, not yet theirs
            await waiter.press("接受", "名额已是您的")
            assert enrolment_of(db, 8102, PARTY).status == "confirmed"
            await wait_until(lambda: not api.unanswered_callbacks, ARRIVES_WITHIN, what="every press answered")
