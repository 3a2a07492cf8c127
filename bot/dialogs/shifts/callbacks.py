"""What the buttons of volunteer shifts (值班) carry."""
from __future__ import annotations

from bot.dialogs.callback import Callback


class PostShift(Callback, prefix="shpost"):
    pass


class ShiftStepBack(Callback, prefix="shback"):
    pass


class PublishShift(Callback, prefix="shpub"):
    pass


class Shifts(Callback, prefix="shifts"):
    page: int | None = None


class ShiftView(Callback, prefix="shsee"):
    shift: int


class SignUp(Callback, prefix="shsign"):
    shift: int


class Withdraw(Callback, prefix="shwd"):
    shift: int


class ShiftCheckIn(Callback, prefix="shin"):
    code: str | None = None


class ShiftCheckOut(Callback, prefix="shout"):
    code: str | None = None
