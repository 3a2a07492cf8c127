"""/metrics: dialog turns, sign-ups, outbox outcomes, ticks and 429s in the Prometheus text format."""
from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram.error import RetryAfter

from bot.messages import Incoming
from bot.handlers.telegram.limits import TelegramLimiter
from bot.observability.metrics import OutboxCollector, render
from scheduler.senders import RETRY, UNREACHABLE, SendError
from store.db import Database
from tests.conftest import START
from tests.support.catalog import add_course

NAMES = ("linli_updates_total", "linli_reply_seconds_bucket", "linli_outbox_deliveries_total",
         "linli_outbox_tick_seconds_bucket", "linli_signups_total", "linli_rate_limited_total",
         "linli_outbox_messages")

Samples = dict[tuple[str, frozenset], float]


def parse(text: str) -> Samples:
    """Every sample as (name, labels) -> value."""
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def scrape(client) -> tuple[str, Samples]:
    resp = await client.get("/metrics")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/plain")
    text = await resp.text()
    return text, parse(text)


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def turn(dialogs, channel: str, user: str, text: str = "", payload: str | None = None) -> None:
    dialogs.handle(Incoming(channel, user, text=text, payload=payload))


async def test_metrics_after_dialog_turns_sign_ups_and_a_tick(ops_client, dialogs, ops_worker, clock,
                                                              telegram_sender, add_push):
    db = dialogs.db
    add_course(db, "WH-SF-09", "硬笔书法", capacity=1, first_start=START + timedelta(days=3))
    _, before = await scrape(ops_client)
    for n in range(3):
        turn(dialogs, "web", f"w{n}", "你好")
    turn(dialogs, "telegram", "t1", "/start")
    turn(dialogs, "telegram", "t1", payload="suy:WH-SF-09")  # the only seat
    turn(dialogs, "telegram", "t2", payload="suy:WH-SF-09")  # waiting list
    turn(dialogs, "telegram", "t2", payload="suy:WH-SF-09")  # already waiting: not counted again
    add_push(db, "ok", "telegram", "601", START)
    add_push(db, "busy", "telegram", "602", START)
    add_push(db, "gone", "telegram", "603", START)
    add_push(db, "later", "telegram", "604", START + timedelta(hours=1))
    telegram_sender.failures["602"] = SendError(RETRY, "flood")
    telegram_sender.failures["603"] = SendError(UNREACHABLE, "blocked")
    result = await ops_worker.tick()
    assert (result.sent, result.retried, result.dead) == (1, 1, 1)
    text, after = await scrape(ops_client)

    for name in NAMES:
        assert name in text
    assert grew(before, after, "linli_updates_total", channel="web") == 3
    assert grew(before, after, "linli_updates_total", channel="telegram") == 4
    assert grew(before, after, "linli_signups_total", result="confirmed") == 1
    assert grew(before, after, "linli_signups_total", result="waiting") == 1
    for outcome in ("sent", "failed", "dead"):
        labels = {"channel": "telegram", "outcome": outcome}
        assert grew(before, after, "linli_outbox_deliveries_total", **labels) == 1, outcome
    assert grew(before, after, "linli_outbox_tick_seconds_count") == 1
    assert value(after, "linli_outbox_messages", state="sent") == 1
    assert value(after, "linli_outbox_messages", state="dead") == 1
    assert value(after, "linli_outbox_messages", state="due") == 0  # the retry and "later" wait

    clock.advance(hours=2)
    _, later = await scrape(ops_client)
    assert value(later, "linli_outbox_messages", state="due") == 2


async def test_reply_latency_is_observed_per_channel(ops_client, dialogs):
    _, before = await scrape(ops_client)
    for n in range(2):
        turn(dialogs, "web", f"lat-w{n}", "你好")
    turn(dialogs, "wecom", "lat-c1", "你好")
    _, after = await scrape(ops_client)
    assert grew(before, after, "linli_reply_seconds_count", channel="web") == 2
    assert grew(before, after, "linli_reply_seconds_count", channel="wecom") == 1
    assert grew(before, after, "linli_reply_seconds_bucket", channel="web", le="+Inf") == 2
    assert grew(before, after, "linli_reply_seconds_sum", channel="wecom") > 0


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_telegram_429_is_counted(ops_client):
    now = [0.0]

    async def sleep(seconds: float) -> None:  # virtual time: sleeping moves the clock
        now[0] += seconds

    calls = []

    async def call():
        calls.append(1)
        if len(calls) == 1:
            raise RetryAfter(3)
        return True

    limiter = TelegramLimiter(max_retries=1, clock=lambda: now[0], sleep=sleep)
    _, before = await scrape(ops_client)
    assert await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 7}, None)
    _, after = await scrape(ops_client)
    assert grew(before, after, "linli_rate_limited_total", channel="telegram") == 1


def test_outbox_gauges_are_left_out_when_the_database_is_down():
    broken = Database("postgresql://postgres@127.0.0.1:1/nothing")
    try:
        text = render([OutboxCollector(broken)]).decode()
    finally:
        broken.dispose()
    assert "linli_updates_total" in text and "linli_outbox_messages" not in text
