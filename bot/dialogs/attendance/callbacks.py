"""What the buttons of attendance carry: a session id, a page, a check-in code."""
from __future__ import annotations

from bot.dialogs.callback import Callback


class Rolls(Callback, prefix="rolls"):
    page: int | None = None


class RollSheet(Callback, prefix="roll"):
    session: int
    page: int | None = None


class RollAll(Callback, prefix="rolla"):
    session: int


class SaveRoll(Callback, prefix="rolly"):
    session: int


class CheckIn(Callback, prefix="here"):
    code: str | None = None
