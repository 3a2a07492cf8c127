"""Two `linli serve` processes drain one outbox backlog through the fake Bot API within ONE set of limits.

The limits are scaled down to keep the run short (10 a second overall instead of 30; 1 a second
per private chat with its burst of 6; 20 a minute per group) and counted from the fake's arrival
times: the two workers together never exceed them. How close they come to the overall limit is a
rate, so it is measured by bench/send_limits.py, not asserted here.
"""
from __future__ import annotations

import asyncio
from collections import Counter

import aiohttp
import pytest
from sqlalchemy import text

from bot.handlers.telegram.adapter import CHAT_BURST
from tests.fakes.telegram_api import FakeBotApi
from tests.support.databases import PostgresSchema, postgres_base_url
from tests.support.send_windows import backlog, by_chat, most_in_any_window
from tests.support.workers import (kill_all, migrated_database, post_update, start_worker,
                                   stop_worker, wait_healthy)

OVERALL = 10.0           # a second, both workers together
OVERALL_BURST = 1        # the limiter's burst at this rate: max(1, rate / 10)
PER_CHAT, PER_GROUP_PER_MINUTE = 1.0, 20.0
GROUPS = [-1001, -1002]  # three notices each: they go 3 s apart
BUSY = [5001, 5002, 5003, 5004]  # eight each: six at once, then one a second
SINGLE = 10_000


def chats_in_order() -> list[int]:
    """100 notices: the groups' first, then the busy chats' spread among single ones."""
    chats, single = GROUPS * 3, iter(range(SINGLE, SINGLE + 1000))
    for _ in range(8):
        chats += BUSY + [next(single) for _ in range(7)]
    return chats + [next(single) for _ in range(100 - len(chats))]


@pytest.fixture(params=["postgres", "sqlite"])
def database(request, tmp_path):
    """A migrated database both workers open: a private PostgreSQL schema, or one SQLite file."""
    if request.param == "postgres":
        pg = PostgresSchema(postgres_base_url())
        url, drop = pg.url, pg.drop
    else:
        url, drop = f"sqlite:///{tmp_path / 'limits.db'}", lambda: None
    db = migrated_database(url)
    yield url, db
    db.dispose()
    drop()


async def test_two_workers_stay_within_one_set_of_limits_and_use_them(database, tmp_path):
    url, db = database
    limits = {"TELEGRAM__RATE_OVERALL_PER_SECOND": str(OVERALL),
              "TELEGRAM__RATE_PER_CHAT_PER_SECOND": str(PER_CHAT),
              "TELEGRAM__RATE_PER_GROUP_PER_MINUTE": str(PER_GROUP_PER_MINUTE),
              "SCHEDULER__BATCH_SIZE": "10"}  # small claims: both workers get a share
    chats = chats_in_order()
    async with FakeBotApi() as api:
        workers = []
        try:
            for name in ("worker-a", "worker-b"):
                workers.append(await start_worker(name, api, url, tmp_path, **limits))
            await wait_healthy(workers)
            backlog(db, chats)
            # Meanwhile two residents of busy chats write: turn replies share the same limits.
            async with aiohttp.ClientSession() as http:
                for n, chat in enumerate(BUSY[:2] * 2):
                    update = api.push_text(chat, "帮助", queue=False)
                    assert await post_update(http, workers[n % 2], update) == 200

            def replies(chat: int) -> int:
                return sum("幸福社区通知" not in m["text"] for m in api.sent_to(chat))

            try:
                await api.wait_until(lambda: len(api.sent) - replies(BUSY[0]) - replies(BUSY[1])
                                     >= len(chats) and min(replies(BUSY[0]), replies(BUSY[1])) >= 2,
                                     timeout=90)
            except AssertionError:
                raise AssertionError(f"{len(api.sent)} of {len(chats)} sent\n"
                                     + "\n".join(w.tail() for w in workers)) from None
            codes = await asyncio.gather(*(stop_worker(w) for w in workers))
            assert codes == [0, 0], "\n".join(w.tail() for w in workers)
        finally:
            await kill_all(workers)

    texts = Counter(m["text"] for m in api.sent if "幸福社区通知" in m["text"])
    assert len(texts) == len(chats) and set(texts.values()) == {1}  # each notice once
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox WHERE status = 'sent'")
                            ).scalar_one() == len(api.sent)  # notices and replies alike
        # Both workers sent a share (each row records who sent it).
        assert conn.execute(text("SELECT count(DISTINCT claimed_by) FROM outbox")
                            ).scalar_one() == 2

    sends = by_chat(api.calls)
    every = [at for times in sends.values() for at in times]
    assert most_in_any_window(every, 1.0) <= OVERALL + OVERALL_BURST
    for chat in BUSY:
        assert len(sends[chat]) >= 8 + (2 if chat in BUSY[:2] else 0)  # notices and replies
        assert most_in_any_window(sends[chat], 1.0) <= PER_CHAT + CHAT_BURST
    for group in GROUPS:
        assert len(sends[group]) == 3
        assert most_in_any_window(sends[group], 60.0) <= PER_GROUP_PER_MINUTE
        assert most_in_any_window(sends[group], 60.0 / PER_GROUP_PER_MINUTE) <= 1 + 1
