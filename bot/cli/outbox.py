"""`linli outbox [--dead]`: the pushes still owed, or the ones given up on, one line each."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import select

from bot.app import open_database
from bot.settings import get_settings
from store.db import Database
from store.models import ChannelAccount, OutboxMessage
from store.models.outbox import DEAD, FAILED, HELD, PENDING, SENDING
from store.outbox_claims import outbox_rows

WAITING = (PENDING, SENDING, FAILED, HELD)  # held: waits for the resident's next message


def local_time(when: datetime | None, zone: ZoneInfo) -> str:
    """A naive UTC time as local 'YYYY-MM-DD HH:MM'."""
    if when is None:
        return "-"
    return when.replace(tzinfo=timezone.utc).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def print_outbox(db: Database, dead_only: bool, out: TextIO = sys.stdout, *,
                 timezone_name: str | None = None, limit: int | None = 500) -> int:
    """Print queued (or dead) pushes: id, kind, due local time, status, attempts, recipient, last error."""
    if timezone_name is None:
        timezone_name = get_settings().general.timezone
    zone = ZoneInfo(timezone_name)
    statuses = (DEAD,) if dead_only else WAITING
    with db.session() as session:
        counts = dict(session.exec(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
        rows = outbox_rows(session, statuses, limit)
        account_ids = {r.account_id for r in rows if r.account_id is not None}
        accounts = {a.id: a for a in session.exec(
            select(ChannelAccount).where(ChannelAccount.id.in_(account_ids)))} if account_ids else {}
    summary = "  ".join(f"{status} {counts.get(status, 0)}" for status in (*WAITING, DEAD))
    print(f"# {summary}", file=out)
    print(f"{'id':>7}  {'kind':<12} {'due':<16}  {'status':<8} {'tries':>5}  {'recipient':<28} last error",
          file=out)
    for row in rows:
        account = accounts.get(row.account_id)
        parts = [f"resident:{row.resident_id}"] if row.resident_id is not None else []
        if account is not None:
            parts.append(f"{account.channel}:{account.external_id}")
        recipient = " ".join(parts) or "-"
        print(f"{row.id:>7}  {row.kind:<12} {local_time(row.due_at, zone):<16}  {row.status:<8} "
              f"{row.attempts:>5}  {recipient:<28} {_one_line(row.last_error)}".rstrip(), file=out)
    shown = len(rows)
    total = sum(counts.get(status, 0) for status in statuses)
    if shown < total:
        print(f"# {total - shown} more not shown", file=out)
    return shown


def cmd_outbox(args: argparse.Namespace) -> int:
    """List pushes in the outbox (--dead: only those that gave up)."""
    settings = get_settings()
    print_outbox(open_database(settings), args.dead, timezone_name=settings.general.timezone)
    return 0


def add_commands(sub) -> None:
    """`linli outbox [--dead]`."""
    outbox = sub.add_parser("outbox", help="查看待发送的推送")
    outbox.add_argument("--dead", action="store_true", help="只看发送失败、已放弃的推送")
    outbox.set_defaults(func=cmd_outbox)
