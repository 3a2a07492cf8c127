"""缺课提醒: the housekeeping round nudges a resident missing from several rolls in a row without 请假,
once for each such streak; the push waits out quiet hours like any other."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.messages import Choice, Reply
from bot.settings import Settings
from bot.texts import t
from store.attendance import absence_streaks
from store.db import Database
from store.models import Course
from store.outbox import enqueue

# How far back a round looks for rolls: covers a service that was down for days, keeps the query small.
LOOKBACK = timedelta(days=7)


def nudge_absences(db: Database, settings: Settings, now: datetime) -> int:
    """Queue a nudge for every streak of absences that reached the setting; returns how many were new.

    Safe on several workers at once: the outbox key names the streak's first session, so a streak
    is nudged once however often rounds run or however long it grows."""
    streak = settings.attendance.absence_streak
    if streak < 1:
        return 0
    queued = 0
    with db.session() as session:
        for found in absence_streaks(session, now - LOOKBACK, now, streak):
            queued += _nudge(session, settings, found.course_id, found.resident_id, found.first_session_id,
                             found.length, now)
    return queued


def _nudge(session: Session, settings: Settings, course_id: int, resident_id: int, first_session_id: int,
           length: int, now: datetime) -> int:
    lang = settings.general.language
    course = session.get(Course, course_id)
    reply = Reply(t("att_nudge", lang, title=course.title, n=length),
                  (Choice(t("btn_my", lang), "my"), Choice(t("btn_menu", lang), "menu")))
    return int(enqueue(session, idem_key=f"absence:{course_id}:{resident_id}:{first_session_id}", kind="absence",
                       payload=reply.to_dict(), due_at=now, resident_id=resident_id))
