"""What the buttons of 点单服务 carry: a service's code or an order's id."""
from __future__ import annotations

from bot.dialogs.callback import Callback


class Services(Callback, prefix="order"):
    page: int | None = None


class PickService(Callback, prefix="osv"):
    code: str


class SkipPhone(Callback, prefix="osk"):
    pass


class HomeCommunity(Callback, prefix="ohc"):
    """The order is for the resident's own community (我家门口)."""


class QuitForm(Callback, prefix="ocx"):
    pass


class Submit(Callback, prefix="ook"):
    pass


class MyOrders(Callback, prefix="myo"):
    page: int | None = None


class MyOrder(Callback, prefix="mo"):
    order: int


class AskRating(Callback, prefix="orq"):
    order: int


class RateOrder(Callback, prefix="ort"):
    order: int
    grade: str | None = None


class SkipComment(Callback, prefix="orts"):
    pass


class Desk(Callback, prefix="orders"):
    page: int | None = None


class StaffOrder(Callback, prefix="so"):
    order: int


class PickTeam(Callback, prefix="sod"):
    order: int


class Dispatch(Callback, prefix="sot"):
    order: int
    team: int


class AskDecline(Callback, prefix="sox"):
    order: int


class AskReturn(Callback, prefix="sor"):
    order: int


class AskDate(Callback, prefix="soa"):
    order: int


class AskHeadcount(Callback, prefix="soc"):
    order: int


class DropStep(Callback, prefix="sno"):
    pass


class Hours(Callback, prefix="soh"):
    order: int
    hours: str


class RevealPhone(Callback, prefix="sop"):
    """查看完整电话: the contact's full number, for the staff who call them; every look audited."""

    order: int


class Present(Callback, prefix="sopr"):
    order: int
    choice: str  # "all": every team member was there
