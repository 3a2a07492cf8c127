"""Who may take a session's roll: the course's own teacher, or organizers (and admins) over its unit
or its venue's community."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.router import Load
from bot.dialogs.staff_access import refuse
from bot.messages import Reply
from store.models import ClassSession, Course, Venue
from store.models.staff import ORGANIZER
from store.roles import has_role


def community_of(ctx: Context, course: Course) -> str:
    """The community of the course's venue ("" when it has none)."""
    venue = ctx.session.get(Venue, course.venue_id) if course.venue_id else None
    return venue.community if venue else ""


def may_take_roll(ctx: Context, course: Course) -> bool:
    """True for the course's teacher and for organizers of its community."""
    return course.teacher_resident_id == ctx.resident_id or \
        has_role(ctx.session, ctx.resident_id, ORGANIZER, community_of(ctx, course), course.unit_id)


def teaches_any(ctx: Context) -> bool:
    """True when the person is the linked teacher of some course."""
    return ctx.session.exec(select(Course.id).where(Course.teacher_resident_id == ctx.resident_id)).first() \
        is not None


@dataclass(frozen=True)
class TeacherOrOrganizer:
    """A guard: the teacher of the session's course, or an organizer there; without a session, any
    teacher or organizer (the list then shows only their own sessions)."""

    action: str

    def refusal(self, ctx: Context, cls: ClassSession | None) -> Reply | None:
        """None when the person may; otherwise the audited refusal."""
        if cls is None:
            if teaches_any(ctx) or has_role(ctx.session, ctx.resident_id, ORGANIZER):
                return None
            return refuse(ctx, ORGANIZER, self.action)
        course = ctx.session.get(Course, cls.course_id)
        if course is not None and may_take_roll(ctx, course):
            return None
        return refuse(ctx, ORGANIZER, self.action, community_of(ctx, course) if course else None,
                      course.unit_id if course else None)


def _missing(ctx: Context) -> Reply:
    return Reply(ctx.t("att_session_missing"), (menu_button(ctx),))


SESSION = Load(lambda ctx, data: ctx.session.get(ClassSession, data.session), missing=_missing)
ROLL = TeacherOrOrganizer("attendance.roll")
