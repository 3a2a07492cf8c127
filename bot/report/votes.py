"""Vote results as a chart and a workbook, closing votes when they are due, and telling draw winners."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.messages import Choice, Reply
from bot.settings import Settings
from bot.texts import t
from store.db import Database
from store.draws import Draw
from store.models import RoleGrant, Vote
from store.models.staff import ADMIN, ORGANIZER
from store.models.votes import DAILY
from store.outbox import enqueue
from store.people import accounts_of
from store.votes import OptionCount, claim_closing, daily_counts, due_for_closing, vote_counts, voters

log = logging.getLogger("linli.votes")
TOP_SHOWN = 3


def files_dir(settings: Settings) -> Path:
    """The folder for files the bot makes, as an absolute path."""
    return Path(settings.files.dir).resolve()


def ranks(counts: list[OptionCount]) -> list[int]:
    """Competition ranks of counts sorted most first: 120, 120, 80 → 1, 1, 3."""
    out: list[int] = []
    for i, row in enumerate(counts):
        out.append(out[-1] if i and row.count == counts[i - 1].count else i + 1)
    return out


def _local(when: datetime, tz: ZoneInfo) -> str:
    return when.replace(tzinfo=timezone.utc).astimezone(tz).strftime("%Y-%m-%d %H:%M")


def results_workbook(session: Session, vote: Vote, tz: ZoneInfo, path: str | Path) -> Path:
    """概况, 票数 (ranked) and 每日票数 sheets of one vote."""
    from bot.report.workbook import Percent, add_pairs, add_table, new_workbook, save  # openpyxl on demand
    counts = vote_counts(session, vote.id)
    total = sum(c.count for c in counts)
    book = new_workbook()
    add_pairs(book, "概况", [
        ("投票", vote.title), ("开始", _local(vote.opens_at, tz)), ("截止", _local(vote.closes_at, tz)),
        ("规则", t("vote_rule_daily" if vote.rule == DAILY else "vote_rule_once")),
        ("参与人数", len(voters(session, vote.id))), ("总票数", total)])
    add_table(book, "票数", ["名次", "选项", "编号", "票数", "占比"],
              [(rank, c.option.label, c.option.ref, c.count, Percent(c.count / total if total else 0))
               for rank, c in zip(ranks(counts), counts)])
    by_day = daily_counts(session, vote.id, tz)
    options = sorted((c.option for c in counts), key=lambda o: (o.position, o.id))
    add_table(book, "每日票数", ["日期", *[o.label for o in options], "合计"],
              [(day, *[per.get(o.id, 0) for o in options], sum(per.values())) for day, per in by_day.items()])
    return save(book, path)


def results_files(session: Session, settings: Settings, vote: Vote) -> tuple[Path, Path]:
    """The results chart (PNG) and workbook (XLSX) of a vote, in the files folder."""
    from bot.charts import bar_chart  # matplotlib loads only when a chart is drawn
    folder = files_dir(settings) / "votes"
    counts = vote_counts(session, vote.id)
    chart = bar_chart(t("vote_chart_title", title=vote.title), [c.option.label for c in counts],
                      [c.count for c in counts], folder / f"vote-{vote.id}-results.png")
    book = results_workbook(session, vote, ZoneInfo(settings.general.timezone),
                            folder / f"vote-{vote.id}-results.xlsx")
    return chart, book


def results_lines(counts: list[OptionCount], limit: int | None = None) -> str:
    """'1. 零基础毛笔书法 120 票' lines, ranked."""
    rows = list(zip(ranks(counts), counts))[:limit]
    return "\n".join(t("vote_result_line", rank=rank, label=c.option.label, count=c.count)
                     for rank, c in rows)


def recipients(session: Session, vote: Vote) -> list[int]:
    """Who gets the results: the vote's owner, else every district-wide organizer and admin."""
    if vote.owner_id is not None:
        return [vote.owner_id]
    return sorted(set(session.exec(select(RoleGrant.resident_id).where(
        RoleGrant.role.in_((ORGANIZER, ADMIN)), RoleGrant.community == ""))))


def _push(session: Session, key: str, kind: str, resident_id: int, reply: Reply, now: datetime) -> None:
    accounts = accounts_of(session, resident_id)
    enqueue(session, idem_key=key, kind=kind, payload=reply.to_dict(), due_at=now, resident_id=resident_id,
            account_id=accounts[0].id if accounts else None)


def close_vote(session: Session, settings: Settings, vote_id: int, now: datetime) -> bool:
    """Close one due vote and send its results to the organizer; False when another worker did."""
    if not claim_closing(session, vote_id, now):
        return False
    vote = session.get(Vote, vote_id)
    session.refresh(vote)
    chart, book = results_files(session, settings, vote)
    counts = vote_counts(session, vote.id)
    text = t("vote_closed_push", title=vote.title, voters=len(voters(session, vote.id)),
             ballots=sum(c.count for c in counts), top=results_lines(counts, TOP_SHOWN) or "—")
    reply = Reply(text, (Choice(t("btn_draw"), f"draw:{vote.id}"),), picture=str(chart), file=str(book))
    people = recipients(session, vote)
    for resident_id in people:
        key = f"vote:{vote.id}:results:resident:{resident_id}"
        _push(session, key, "vote_results", resident_id, reply, now)
    log.info("vote %s closed: %s and %s sent to %d organizer(s)", vote.id, chart.name, book.name, len(people))
    return True


def close_due_votes(db: Database, settings: Settings, now: datetime) -> list[int]:
    """Close every vote past its closing time, once; returns the ids closed by this call."""
    with db.session() as session:
        due = due_for_closing(session, now)
    closed = []
    for vote_id in due:
        try:
            with db.session() as session:
                if close_vote(session, settings, vote_id, now):
                    closed.append(vote_id)
        except Exception:  # noqa: BLE001  (one broken vote must not keep the others open)
            log.exception("vote %s could not be closed", vote_id)
    return closed


def notify_winners(session: Session, vote: Vote, draw: Draw, now: datetime) -> int:
    """Tell each winner of a draw; returns how many pushes were queued."""
    reply = Reply(t("draw_winner_push", title=vote.title), (Choice(t("btn_menu"), "menu"),))
    sent = 0
    for resident_id in draw.winners:
        key = f"vote:{vote.id}:draw:{draw.seed}:resident:{resident_id}"
        _push(session, key, "draw_winner", resident_id, reply, now)
        sent += 1
    return sent

