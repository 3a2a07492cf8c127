"""What the buttons of volunteers and 为民银行 points carry."""
from __future__ import annotations

from bot.dialogs.callback import Callback


class Points(Callback, prefix="pts"):
    pass


class Rewards(Callback, prefix="ptrw"):
    page: int | None = None


class AskRedeem(Callback, prefix="ptrd"):
    reward: int


class Redeem(Callback, prefix="ptry"):
    reward: int
    token: str


class VolunteerHome(Callback, prefix="vol"):
    pass


class Register(Callback, prefix="volreg"):
    pass


class PickOption(Callback, prefix="volop"):
    index: int


class SubmitRegistration(Callback, prefix="volok"):
    pass


class Pause(Callback, prefix="volpa"):
    pass


class Resume(Callback, prefix="volre"):
    pass


class AskLeave(Callback, prefix="vollv"):
    pass


class LeaveVolunteers(Callback, prefix="vollvy"):
    pass


class Registrations(Callback, prefix="vlist"):
    page: int | None = None


class RegistrationView(Callback, prefix="vsee"):
    volunteer: int


class Approve(Callback, prefix="vapp"):
    volunteer: int


class AskReject(Callback, prefix="vrej"):
    volunteer: int


class RedemptionList(Callback, prefix="rdlist"):
    page: int | None = None


class RedemptionView(Callback, prefix="rdsee"):
    redemption: int


class HandOut(Callback, prefix="rdout"):
    redemption: int


class Credit(Callback, prefix="credit"):
    page: int | None = None


class CreditWho(Callback, prefix="crv"):
    resident: int


class QuickPoints(Callback, prefix="crp"):
    points: str


class ConfirmCredit(Callback, prefix="crok"):
    pass
