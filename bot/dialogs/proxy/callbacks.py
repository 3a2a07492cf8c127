"""What the buttons of 代办 and family links carry."""
from __future__ import annotations

from bot.dialogs.acting import STOP
from bot.dialogs.callback import Callback


class Proxy(Callback, prefix="px"):
    """代办: the staff's screen asking for a name and 尾号."""


class ProxyPerson(Callback, prefix="pxp"):
    person: int


class ProxyGo(Callback, prefix="pxg"):
    person: int


class ProxyFamilyCode(Callback, prefix="pxf"):
    person: int


class ProxyRegister(Callback, prefix="pxr"):
    pass


class ProxyCommunity(Callback, prefix="pxc"):
    pick: int


class ProxyBack(Callback, prefix="pxb"):
    pass


class ProxySave(Callback, prefix="pxy"):
    pass


class StopActing(Callback, prefix=STOP):
    pass


class FamilyCode(Callback, prefix="famc"):
    pass


class FamilyRemove(Callback, prefix="famr"):
    link: int
    sure: int | None = None


class FamilyBind(Callback, prefix="famb"):
    code: str | None = None


class FamilyElders(Callback, prefix="fame"):
    page: int | None = None


class FamilyGo(Callback, prefix="famg"):
    person: int
