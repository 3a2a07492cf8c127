"""管理课程: an organizer's courses, one course's screen, and the first step of each change —
which session to move or stop, the new time, the message to the class, or closing the course."""
from __future__ import annotations

from dataclasses import dataclass

from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import paged
from bot.dialogs.publishing.callbacks import (AddSession, CloseCourse, Courses, Desk, DropSession, DropWhich,
                                              Manage, Message, MoveSession, MoveWhich)
from bot.dialogs.publishing.change import begin, confirm_screen
from bot.dialogs.router import Load, Router
from bot.dialogs.staff_access import Role
from bot.dialogs.states import COURSE_CHANGE
from bot.messages import Choice, Reply
from store.catalog import venue_of
from store.enrolments import count_confirmed
from store.models import ClassSession, Course
from store.models.staff import ORGANIZER
from store.publishing import sessions_ahead, waiting_count
from store.publishing_scope import course_unit_id, manageable_courses

ACTION = "course.manage"

router = Router("publishing.manage")
router.keywords({"管理课程", "课程管理", "/mycourses"}, Courses)


@dataclass(frozen=True)
class Managed:
    """A course, the community of its venue and its unit (whose organizers may change it)."""

    course: Course
    community: str
    unit_id: int | None = None


def _fetch(ctx: Context, data) -> Managed | None:
    course = ctx.session.get(Course, data.course)
    if course is None or not course.active:
        return None
    venue = venue_of(ctx.session, course)
    return Managed(course, venue.community if venue else "", course_unit_id(ctx.session, course))


COURSE = Load(_fetch, missing=lambda ctx: Reply(ctx.t("pub_missing"), (Choice(ctx.t("btn_pub_courses"), Courses().pack()),
                                                                     menu_button(ctx))))
# A course of no unit at a venue of no community is the district's: the 总馆's to change.
GUARD = Role(ORGANIZER, ACTION, community=lambda managed: managed.community,
             unit=lambda managed: managed.unit_id)


def _back(ctx: Context, course_id: int) -> Choice:
    return Choice(ctx.t("btn_back"), Manage(course_id).pack())


@router.payload(Courses, role=ORGANIZER, action=ACTION)
def courses(ctx: Context, data: Courses) -> Reply:
    """The courses this organizer may change, newest first."""
    found = manageable_courses(ctx.session, ctx.resident_id)
    if not found:
        return Reply(ctx.t("pub_courses_none"), (Choice(ctx.t("btn_pub_desk"), Desk().pack()), menu_button(ctx)))
    items = [Choice(ctx.t("pub_course_label", title=c.title, code=c.code), Manage(c.id).pack()) for c in found]
    choices, note = paged(ctx, items, data.page, lambda p: Courses(p).pack(), Choice(ctx.t("btn_back"), Desk().pack()),
                          tail=(menu_button(ctx),))
    return Reply(ctx.t("pub_courses") + note, tuple(choices))


def course_screen(ctx: Context, course: Course) -> Reply:
    """One course: seats, waiting, the next session, and what can be changed."""
    ahead = sessions_ahead(ctx.session, course.id, ctx.now)
    venue = venue_of(ctx.session, course)
    text = ctx.t("pub_course", title=course.title, code=course.code, teacher=course.teacher or "—",
                 venue=venue.name if venue else "—", seated=count_confirmed(ctx.session, course.id),
                 capacity=course.capacity, waiting=waiting_count(ctx.session, course.id),
                 next=format_when(ahead[0].starts_at, ahead[0].ends_at, ctx.tz, ctx.lang) if ahead else ctx.t("pub_no_next"),
                 ahead=len(ahead))
    return Reply(text, (Choice(ctx.t("btn_pub_move"), MoveWhich(course.id).pack()),
                        Choice(ctx.t("btn_pub_drop"), DropWhich(course.id).pack()),
                        Choice(ctx.t("btn_pub_add"), AddSession(course.id).pack()),
                        Choice(ctx.t("btn_pub_message"), Message(course.id).pack()),
                        Choice(ctx.t("btn_pub_close"), CloseCourse(course.id).pack()),
                        Choice(ctx.t("btn_pub_courses"), Courses().pack()), menu_button(ctx)))


@router.payload(Manage, role=GUARD, load=COURSE)
def manage(ctx: Context, data: Manage, managed: Managed) -> Reply:
    """One course's screen; a change begun and left (再想想, 返回) is dropped, so an old 确认 does nothing."""
    COURSE_CHANGE.leave(ctx)
    return course_screen(ctx, managed.course)


def _which(ctx: Context, course: Course, page: int | None, key: str, each, again) -> Reply:
    ahead = sessions_ahead(ctx.session, course.id, ctx.now)
    if not ahead:
        return Reply(ctx.t("pub_none_ahead"), (_back(ctx, course.id), menu_button(ctx)))
    items = [Choice(format_when(row.starts_at, row.ends_at, ctx.tz, ctx.lang), each(course.id, row.id).pack())
             for row in ahead]
    choices, note = paged(ctx, items, page, lambda p: again(course.id, p).pack(), _back(ctx, course.id))
    return Reply(ctx.t(key) + note, tuple(choices))


@router.payload(MoveWhich, role=GUARD, load=COURSE)
def move_which(ctx: Context, data: MoveWhich, managed: Managed) -> Reply:
    """调课: which session ahead."""
    return _which(ctx, managed.course, data.page, "pub_pick_move", MoveSession, MoveWhich)


@router.payload(DropWhich, role=GUARD, load=COURSE)
def drop_which(ctx: Context, data: DropWhich, managed: Managed) -> Reply:
    """停一次课: which session ahead."""
    return _which(ctx, managed.course, data.page, "pub_pick_drop", DropSession, DropWhich)


def _row(ctx: Context, course: Course, session_id: int) -> ClassSession | None:
    row = ctx.session.get(ClassSession, session_id)
    return row if row is not None and row.course_id == course.id and row.starts_at > ctx.now else None


@router.payload(MoveSession, role=GUARD, load=COURSE)
def move_session(ctx: Context, data: MoveSession, managed: Managed) -> Reply:
    """Ask the new time of the session."""
    row = _row(ctx, managed.course, data.session)
    if row is None:
        return Reply(ctx.t("pub_change_not_found"), (_back(ctx, managed.course.id), menu_button(ctx)))
    return begin(ctx, managed.course, "move", "time", session=row.id,
                 question=ctx.t("pub_ask_new_time", when=format_when(row.starts_at, row.ends_at, ctx.tz, ctx.lang)))


@router.payload(DropSession, role=GUARD, load=COURSE)
def drop_session(ctx: Context, data: DropSession, managed: Managed) -> Reply:
    """Confirm stopping the session."""
    row = _row(ctx, managed.course, data.session)
    if row is None:
        return Reply(ctx.t("pub_change_not_found"), (_back(ctx, managed.course.id), menu_button(ctx)))
    begin(ctx, managed.course, "drop", "confirm", session=row.id)
    return confirm_screen(ctx)


@router.payload(AddSession, role=GUARD, load=COURSE)
def add_session(ctx: Context, data: AddSession, managed: Managed) -> Reply:
    """补课: ask its time."""
    return begin(ctx, managed.course, "add", "time", question=ctx.t("pub_ask_add_time"))


@router.payload(Message, role=GUARD, load=COURSE)
def message(ctx: Context, data: Message, managed: Managed) -> Reply:
    """给学员发消息: ask the words."""
    return begin(ctx, managed.course, "message", "text", question=ctx.t("pub_ask_message"))


@router.payload(CloseCourse, role=GUARD, load=COURSE)
def close_course(ctx: Context, data: CloseCourse, managed: Managed) -> Reply:
    """Confirm closing the whole course."""
    begin(ctx, managed.course, "close", "confirm")
    return confirm_screen(ctx)
