"""Telling everyone a lottery course's result: 中签 with the first session, or 未中签 with the
waiting-list place; written in the draw's transaction."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.dialogs.formatting import format_when
from bot.dialogs.pushes.plan import schedule_course_reminders
from bot.dialogs.pushes.seats import queue_reply
from bot.messages import Choice, Reply
from bot.settings import Settings
from bot.texts import t
from store.catalog import next_session
from store.enrolments import waiting_position
from store.lottery import LotteryDraw
from store.models import Course, Enrolment


def tell_draw_results(session: Session, settings: Settings, course: Course, draw: LotteryDraw,
                      now: datetime) -> int:
    """Queue each applicant's result once and plan the winners' reminders; how many were queued."""
    lang, tz = settings.general.language, ZoneInfo(settings.general.timezone)
    nxt = next_session(session, course.id, now)
    first = format_when(nxt.starts_at, nxt.ends_at, tz, lang) if nxt else t("my_no_next", lang)
    buttons = (Choice(t("btn_my", lang), "my"), Choice(t("btn_menu", lang), "menu"))
    for enrolment_id in draw.order:
        enrolment = session.get(Enrolment, enrolment_id)
        if enrolment_id in draw.seated:
            text = t("lottery_won", lang, title=course.title, first=first)
            schedule_course_reminders(session, settings, course, enrolment.resident_id, now)
        else:
            text = t("lottery_lost", lang, title=course.title, position=waiting_position(session, enrolment))
        queue_reply(session, enrolment.resident_id, f"lottery:course:{course.id}:enrolment:{enrolment_id}",
                    "promotion", Reply(text, buttons), now, urgent=True)
    return len(draw.order)
