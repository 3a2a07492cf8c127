"""What the buttons of the courses feature carry."""
from __future__ import annotations

from bot.dialogs.callback import Callback


class Browse(Callback, prefix="browse"):
    pass


class SectionPage(Callback, prefix="sec"):
    section: str
    page: int | None = None


class CategoryPage(Callback, prefix="cat"):
    category: int
    page: int | None = None


class CoursePage(Callback, prefix="crs"):
    code: str


class AskSignUp(Callback, prefix="su"):
    code: str
    companions: int | None = None  # asked first when the course allows companions


class SignUp(Callback, prefix="suy"):
    code: str
    companions: int | None = None


class MySignups(Callback, prefix="my"):
    page: int | None = None


class MyPlace(Callback, prefix="myp"):
    enrolment: int


class AskCancel(Callback, prefix="cx"):
    enrolment: int


class Cancel(Callback, prefix="cxy"):
    enrolment: int


class Search(Callback, prefix="search"):
    pass


class Rate(Callback, prefix="rt"):
    session: int
    grade: str | None = None


class SkipComment(Callback, prefix="rts"):
    session: int | None = None


class Leave(Callback, prefix="lv"):
    session: int


class AcceptOffer(Callback, prefix="ofa"):
    offer: int


class DeclineOffer(Callback, prefix="ofd"):
    offer: int
