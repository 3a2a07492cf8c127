"""Small pieces the publishing screens share: who sees them, local times, typed counts."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from bot.dialogs.context import Context
from bot.dialogs.text_input import chinese_number, folded
from store.models.staff import ORGANIZER
from store.roles import has_role

_COUNT = re.compile(r"^(?:共|一共)?\s*([0-9]{1,4}|[零〇一二两三四五六七八九十]{1,3})\s*(?:个|人|位|名|个人|个名额)?$")


def organizer(ctx: Context) -> bool:
    """True for organizers (and admins): the publishing entry on 更多服务."""
    return has_role(ctx.session, ctx.resident_id, ORGANIZER)


def local_when(ctx: Context, starts: datetime, ends: datetime) -> str:
    """'12月9日（周三）14:00–15:30' from local (naive) times."""
    return ctx.t("when", month=starts.month, day=starts.day, weekday=ctx.t("weekday")[starts.weekday()],
                 start=starts.strftime("%H:%M"), end=ends.strftime("%H:%M"))


def to_utc(ctx: Context, local: datetime) -> datetime:
    """A local (naive) time as naive UTC."""
    return local.replace(tzinfo=ctx.tz).astimezone(timezone.utc).replace(tzinfo=None)


def typed_count(text: str) -> int | None:
    """A number of people as typed: 20, ２０, 二十, 20人, 共20个; None otherwise."""
    match = _COUNT.match(folded(text).strip())
    if not match:
        return None
    digits = match.group(1)
    return int(digits) if digits.isdecimal() else chinese_number(digits)
