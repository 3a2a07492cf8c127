"""讲课积分: the housekeeping round credits a volunteer teacher once for every session held."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dialogs.formatting import format_when
from bot.dialogs.points_push import tell_credited
from bot.settings import Settings
from bot.texts import t
from store.db import Database
from store.points import credit_for_session, uncredited_taught_sessions

# How far back a round looks: covers a service that was down for days, and keeps the query small.
LOOKBACK = timedelta(days=7)


def credit_taught_sessions(db: Database, settings: Settings, now: datetime) -> int:
    """Credit the teacher of every session that ended and was not cancelled; returns how many.

    Safe on several workers at once: a session credits its teacher once, and only the round
    that wrote the ledger line sends the push."""
    lang, tz = settings.general.language, ZoneInfo(settings.general.timezone)
    credited = 0
    with db.session() as session:
        for cls, course in uncredited_taught_sessions(session, now, now - LOOKBACK):
            entry = credit_for_session(session, cls.id, course.teacher_resident_id, created_by="housekeeping",
                                       now=now, rules=settings.points)
            if entry is None:
                continue
            what = t("points_for_session", lang, when=format_when(cls.starts_at, cls.ends_at, tz, lang),
                     title=course.title)
            tell_credited(session, entry, what, now, lang)
            credited += 1
    return credited
