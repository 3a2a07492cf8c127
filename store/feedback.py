"""需求反馈: residents' wishes and complaints, the organizers' replies, and a monthly summary."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from store.db import Database
from store.models import Category, Feedback
from store.models.feedback import (COURSE, FEEDBACK_CATEGORIES, HANDLED, NEW, OTHER,
                                   REPLY_LIMIT, TEXT_LIMIT)

# Only these say what residents wish for; a complaint naming 书法 is not a wish for more 书法.
WISH_CATEGORIES = (COURSE, OTHER)


@dataclass(frozen=True)
class FeedbackResult:
    """What a change did: status is saved, handled, already, empty, too_long, bad_category or not_found."""

    status: str
    feedback: Feedback | None = None


def submit(session: Session, resident_id: int, category: str, text: str,
           now: datetime) -> FeedbackResult:
    """Keep one message from a resident; bad input changes nothing."""
    text = text.strip()
    if category not in FEEDBACK_CATEGORIES:
        return FeedbackResult("bad_category")
    if not text:
        return FeedbackResult("empty")
    if len(text) > TEXT_LIMIT:
        return FeedbackResult("too_long")
    item = Feedback(resident_id=resident_id, category=category, text=text, created_at=now)
    session.add(item)
    session.flush()
    return FeedbackResult("saved", item)


def open_feedback(session: Session) -> list[Feedback]:
    """Messages not handled yet, oldest first."""
    return list(session.exec(select(Feedback).where(Feedback.status == NEW)
                             .order_by(Feedback.created_at, Feedback.id)))


def mark_handled(session: Session, feedback_id: int, reply: str, by: str,
                 now: datetime) -> FeedbackResult:
    """Record the reply to a message and close it; a message is answered once."""
    reply = reply.strip()
    if not reply:
        return FeedbackResult("empty")
    if len(reply) > REPLY_LIMIT:
        return FeedbackResult("too_long")
    item = session.exec(select(Feedback).where(Feedback.id == feedback_id).with_for_update()
                        .execution_options(populate_existing=True)).first()
    if item is None:
        return FeedbackResult("not_found")
    if item.status == HANDLED:
        return FeedbackResult("already", item)
    item.status, item.reply, item.handled_by, item.handled_at = HANDLED, reply, by[:100], now
    session.add(item)
    return FeedbackResult("handled", item)


def subject_words(subjects: list[str], synonyms: dict[str, list[str]]) -> dict[str, set[str]]:
    """Every word that names a subject: the subject itself and the synonyms leading to it."""
    def matching(word: str) -> set[str]:
        return {s for s in subjects if word == s or word in s}

    words = {s: {s} for s in subjects}
    for word, targets in synonyms.items():
        found: set[str] = set()
        for target in targets:
            found |= matching(target)
            for further in synonyms.get(target, []):  # 戏曲 → 京剧
                found |= matching(further)
        if found:
            words.setdefault(word, set()).update(found)
    return words


def subjects_in(text: str, words: dict[str, set[str]]) -> set[str]:
    """The subjects a text mentions; a word that stands for several counts for each."""
    found: set[str] = set()
    for word, subjects in words.items():
        if word in text:
            found |= subjects
    return found


def month_bounds(year: int, month: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A local calendar month as naive UTC [start, end)."""
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return tuple(d.astimezone(timezone.utc).replace(tzinfo=None) for d in (start, end))


def month_summary(db: Database, year: int, month: int, timezone_name: str = "Asia/Shanghai",
                  subjects: list[str] | None = None,
                  synonyms: dict[str, list[str]] | None = None) -> dict:
    """Counts by category and status, and the subjects wished for most, for one local month.

    Subjects are the catalogue's category names unless given; synonyms widen what matches them."""
    start, end = month_bounds(year, month, ZoneInfo(timezone_name))
    with db.session() as session:
        items = list(session.exec(select(Feedback).where(
            Feedback.created_at >= start, Feedback.created_at < end).order_by(Feedback.id)))
        if subjects is None:
            subjects = list(session.exec(select(Category.name).order_by(Category.sort_order,
                                                                        Category.id)))
    words = subject_words(subjects, synonyms or {})
    wished: Counter[str] = Counter()
    for item in items:
        if item.category in WISH_CATEGORIES:
            wished.update(subjects_in(item.text, words))
    by_category = {c: sum(1 for i in items if i.category == c) for c in FEEDBACK_CATEGORIES}
    return {
        "month": f"{year:04d}-{month:02d}", "total": len(items),
        "handled": sum(1 for i in items if i.status == HANDLED),
        "by_category": by_category,
        "subjects": sorted(wished.items(), key=lambda kv: (-kv[1], subjects.index(kv[0]))),
    }
