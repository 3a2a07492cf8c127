"""积分到账: the short push a volunteer gets when service time is credited to them."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.dialogs.pushes.seats import queue_reply
from bot.messages import Choice, Reply
from bot.texts import t
from store.models import PointEntry
from store.points import balance


def format_hours(minutes: int) -> str:
    """Minutes as hours for reading: 90 → '1.5', 120 → '2'."""
    return f"{minutes / 60:.1f}".removesuffix(".0")


def tell_credited(session: Session, entry: PointEntry, what: str, now: datetime, lang: str = "zh") -> None:
    """Queue 'what was credited and the balance now' for the resident, once per ledger line."""
    text = t("points_credited", lang, what=what, hours=format_hours(entry.minutes), points=entry.points,
             balance=balance(session, entry.resident_id))
    reply = Reply(text, (Choice(t("btn_points", lang), "pts"), Choice(t("btn_menu", lang), "menu")))
    queue_reply(session, entry.resident_id, f"points:{entry.source}:resident:{entry.resident_id}", "points",
                reply, now)
