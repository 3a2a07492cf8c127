"""What the buttons of notices, group binding and subscriptions carry."""
from __future__ import annotations

from bot.dialogs.callback import Callback


class BindCode(Callback, prefix="gbc"):
    pass


class PickCommunity(Callback, prefix="gbcc"):
    choice: str  # a position in the list shown, or "new" to type one


class PickGrid(Callback, prefix="gbcg"):
    choice: str  # a position in the list shown, "all" for the whole community, or "new"


class BindHere(Callback, prefix="bind"):
    code: str | None = None


class Compose(Callback, prefix="ntc"):
    pass


class TargetsPage(Callback, prefix="ntp"):
    page: int | None = None


class PickTarget(Callback, prefix="ntt"):
    index: int


class PickWhen(Callback, prefix="ntw"):
    when: str | None = None  # "now" or "later"


class PickUrgency(Callback, prefix="ntu"):
    urgent: int | None = None  # 1 for urgent


class Send(Callback, prefix="ntok"):
    pass


class Drop(Callback, prefix="ntx"):
    pass


class Notices(Callback, prefix="ntl"):
    pass


class OpenNotice(Callback, prefix="nto"):
    notice: int


class AskCancel(Callback, prefix="ntcx"):
    notice: int


class CancelNotice(Callback, prefix="ntcy"):
    notice: int


class Subscriptions(Callback, prefix="nsub"):
    page: int | None = None


class Toggle(Callback, prefix="nsubt"):
    index: int
