"""Prometheus metrics of one process, kept on a registry of our own.

Counters and histograms live in the memory of the process that counts them: every `linli serve`
process exposes its own /metrics and Prometheus scrapes each process (one target per instance,
never through the load balancer), then sums across instances in queries.

The outbox gauges (due / sent / dead) are not kept by the tick. They are read from the database
at scrape time by OutboxCollector with a few COUNT queries on the (status, due_at) index: they are
then right whichever process sent the rows, and a stuck scheduler shows as a growing `due` rather
than as a gauge frozen at its last value. Every process reports the same database figures, so
aggregate them with max(), not sum().
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func
from sqlmodel import select

from bot.clock import SystemClock
from store.db import Database
from store.models import OutboxMessage
from store.models.outbox import DEAD, FAILED, PENDING, SENT

log = logging.getLogger("linli.metrics")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
REGISTRY = CollectorRegistry()

# A turn is a database transaction plus rendering: milliseconds normally, seconds when busy.
TURN_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TICK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

UPDATES = Counter("linli_updates", "Updates the dialogs handled, by channel.",
                  ["channel"], registry=REGISTRY)
REPLY_SECONDS = Histogram("linli_reply_seconds", "Seconds to answer one update (one dialog turn).",
                          ["channel"], buckets=TURN_BUCKETS, registry=REGISTRY)
DELIVERIES = Counter("linli_outbox_deliveries",
                     "Outbox pushes by channel and outcome: sent, failed (retried later) or dead.",
                     ["channel", "outcome"], registry=REGISTRY)
TICK_SECONDS = Histogram("linli_outbox_tick_seconds", "Seconds one outbox tick took.",
                         buckets=TICK_BUCKETS, registry=REGISTRY)
SIGNUPS = Counter("linli_signups", "Course sign-ups by result: confirmed or waiting.",
                  ["result"], registry=REGISTRY)
RATE_LIMITED = Counter("linli_rate_limited", "429 (flood limit) answers from a channel's API.",
                       ["channel"], registry=REGISTRY)
INBOX = Counter("linli_inbox_updates",
                "Stored incoming updates by channel and event: kept, failed, retried, taken_over, refused.",
                ["channel", "event"], registry=REGISTRY)

# The worker's outcome names (scheduler.outbox_worker) as counted here.
DELIVERY_OUTCOMES = {"sent": "sent", "retried": "failed", "dead": "dead"}
SIGNUP_RESULTS = ("confirmed", "waiting")
NO_CHANNEL = "none"  # a push that died before any channel was tried (no reachable account …)
SENT_WINDOW = timedelta(days=1)
SENT_DUE_BOUND = timedelta(days=7)  # keeps the sent count a range scan of the index


def observe_turn(channel: str, seconds: float) -> None:
    """Count one handled update and its reply latency."""
    UPDATES.labels(channel).inc()
    REPLY_SECONDS.labels(channel).observe(seconds)


def count_delivery(channel: str | None, outcome: str) -> None:
    """Count one outbox row's outcome; outcomes other than sent, retried and dead are ignored."""
    counted = DELIVERY_OUTCOMES.get(outcome)
    if counted is not None:
        DELIVERIES.labels(channel or NO_CHANNEL, counted).inc()


def observe_tick(seconds: float) -> None:
    """Record how long one outbox tick took."""
    TICK_SECONDS.observe(seconds)


def count_signup(status: str) -> None:
    """Count a sign-up that took a seat or a waiting-list place (repeats are not counted)."""
    if status in SIGNUP_RESULTS:
        SIGNUPS.labels(status).inc()


def count_rate_limited(channel: str) -> None:
    """Count one 429 answer from a channel."""
    RATE_LIMITED.labels(channel).inc()


def count_inbox(channel: str, event: str) -> None:
    """Count one inbox event of a channel (an update kept, failed, retried, taken over or refused)."""
    INBOX.labels(channel, event).inc()


class OutboxCollector:
    """Outbox gauges read from the database at scrape time."""

    def __init__(self, db: Database, clock=None):
        self.db = db
        self.clock = clock or SystemClock()

    def counts(self) -> dict[str, int]:
        """Rows due now, sent in the last day, and dead (given up)."""
        now = self.clock.now()
        row = OutboxMessage
        with self.db.engine.connect() as conn:
            def count(*where) -> int:
                return conn.execute(select(func.count()).select_from(row).where(*where)).scalar_one()
            return {
                "due": count(row.status.in_((PENDING, FAILED)), row.due_at <= now),
                "sent": count(row.status == SENT, row.due_at >= now - SENT_DUE_BOUND,
                              row.sent_at >= now - SENT_WINDOW),
                "dead": count(row.status == DEAD),
            }

    def collect(self) -> Iterator[Metric]:
        """The gauge family; nothing when the database does not answer (the scrape still works)."""
        try:
            counts = self.counts()
        except Exception as exc:  # noqa: BLE001
            log.warning("outbox gauges not read: %s", type(exc).__name__)
            return
        gauge = GaugeMetricFamily("linli_outbox_messages",
                                  "Outbox rows by state: due now, sent in the last 24 hours, dead.",
                                  labels=["state"])
        for state, value in counts.items():
            gauge.add_metric([state], value)
        yield gauge


class Scrape:
    """The process registry plus extra collectors, as one thing to render."""

    def __init__(self, extra: Iterable[object] = ()):
        self.extra = list(extra)

    def collect(self) -> Iterator[Metric]:
        """Every metric of the registry, then of each extra collector."""
        yield from REGISTRY.collect()
        for collector in self.extra:
            yield from collector.collect()


def render(extra: Iterable[object] = ()) -> bytes:
    """The Prometheus text exposition of this process's metrics (and the extra collectors)."""
    return generate_latest(Scrape(extra))
