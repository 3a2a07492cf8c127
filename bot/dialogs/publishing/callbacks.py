"""What the buttons of publishing and managing courses carry."""
from __future__ import annotations

from bot.dialogs.callback import Callback


class Desk(Callback, prefix="pbdesk"):
    pass


class Publish(Callback, prefix="pbnew"):
    pass


class Pick(Callback, prefix="pbv"):
    pick: int  # the place of the answer among those the question offered


class StepBack(Callback, prefix="pbback"):
    pass


class CancelForm(Callback, prefix="pbx"):
    pass


class Confirm(Callback, prefix="pbok"):
    pass


class Courses(Callback, prefix="pbls"):
    page: int | None = None


class Manage(Callback, prefix="pbc"):
    course: int


class MoveWhich(Callback, prefix="pbmv"):
    course: int
    page: int | None = None


class DropWhich(Callback, prefix="pbdr"):
    course: int
    page: int | None = None


class MoveSession(Callback, prefix="pbms"):
    course: int
    session: int


class DropSession(Callback, prefix="pbds"):
    course: int
    session: int


class AddSession(Callback, prefix="pbadd"):
    course: int


class Message(Callback, prefix="pbmsg"):
    course: int


class CloseCourse(Callback, prefix="pbclose"):
    course: int


class DoChange(Callback, prefix="pbdo"):
    pass
