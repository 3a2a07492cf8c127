"""Report months: parsing "2026-11", and their boundaries in the configured zone."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


@dataclass(frozen=True)
class Month:
    """A calendar month and its local boundaries as naive UTC [start, end)."""

    year: int
    month: int
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """'2026-11'."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """'2026年11月'."""
        return f"{self.year}年{self.month}月"


def month_of(year: int, month: int, tz: ZoneInfo) -> Month:
    """The month with its boundaries at local midnight."""
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    utc = [d.astimezone(timezone.utc).replace(tzinfo=None) for d in (start, end)]
    return Month(year, month, utc[0], utc[1])


def parse_month(text: str, tz: ZoneInfo) -> Month | None:
    """'2026-11', '2026/11' or '2026年11月' as a Month; None when it is not one."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return month_of(year, month, tz)


def previous_month(now: datetime, tz: ZoneInfo) -> Month:
    """The last complete month before a naive UTC time, in local terms."""
    local = now.replace(tzinfo=timezone.utc).astimezone(tz)
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return month_of(year, month, tz)
