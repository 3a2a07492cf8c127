"""A change to a published course, confirmed before it happens: a session moved, stopped or added,
a message to the class, or the whole course closed. Each writes, in its own transaction, a push for
every resident it concerns and the reminders re-planned, by the path a catalogue re-import takes,
and goes to the audit log."""
from __future__ import annotations

import secrets
from datetime import datetime

from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when, to_local
from bot.dialogs.menus import menu_button
from bot.dialogs.publishing.callbacks import Courses, DoChange, Manage
from bot.dialogs.publishing.sessions import parse_sessions
from bot.dialogs.publishing.shown import to_utc
from bot.dialogs.pushes.catalog_changes import apply_catalog_changes
from bot.dialogs.pushes.plan import course_push_prefixes
from bot.dialogs.pushes.seats import queue_reply
from bot.dialogs.router import Result, Router, fallback
from bot.dialogs.staff_access import record_staff_action, refuse_unless
from bot.dialogs.states import COURSE_CHANGE
from bot.messages import Choice, Reply
from store.catalog import venue_of
from store.enrolments import confirmed_residents
from store.models import ClassSession, Course
from store.models.staff import ORGANIZER
from store.outbox import drop_pending
from store.publishing import (add_session, cancel_course, cancel_session, move_session, sessions_ahead,
                              waiting_count)
from store.publishing_scope import course_unit_id

EXPECT_CHANGE = "course_change"
MOST_MESSAGE = 500
ACTION = "course.manage"
KINDS = ("move", "drop", "add", "message", "close")

router = Router("publishing.change")


def begin(ctx: Context, course: Course, kind: str, step: str, session: int | None = None,
          question: str = "") -> Reply:
    """Start a change of a course; ask the question of its first step (a time or the words)."""
    COURSE_CHANGE.enter(ctx, {"course": course.id, "kind": kind, "step": step, "session": session,
                              "token": secrets.token_hex(6)})
    ctx.expect = EXPECT_CHANGE if step != "confirm" else ""
    return Reply(question, (Choice(ctx.t("btn_back"), Manage(course.id).pack()), menu_button(ctx)))


def _when(ctx: Context, starts: datetime, ends: datetime) -> str:
    return format_when(starts, ends, ctx.tz, ctx.lang)


def confirm_screen(ctx: Context, note: str = "") -> Reply:
    """What the change will do and to whom, with 确认 and 再想想."""
    change = COURSE_CHANGE.get(ctx)
    course = ctx.session.get(Course, change["course"])
    change["step"] = "confirm"
    ctx.expect = ""
    kind, seated = change["kind"], len(confirmed_residents(ctx.session, course.id))
    values: dict[str, object] = {"title": course.title, "count": seated}
    row = ctx.session.get(ClassSession, change["session"]) if change.get("session") else None
    if kind in ("move", "add"):
        values["new"] = values["when"] = _when(ctx, datetime.fromisoformat(change["starts"]),
                                               datetime.fromisoformat(change["ends"]))
    values["old"] = _when(ctx, row.starts_at, row.ends_at) if row is not None else "—"
    values.setdefault("when", values["old"])
    if kind == "message":
        values["text"] = change["text"]
    if kind == "close":
        values["ahead"] = len(sessions_ahead(ctx.session, course.id, ctx.now))
        values["count"] = seated + waiting_count(ctx.session, course.id)
    text = ctx.t(f"pub_confirm_{kind}", **values)
    return Reply(f"{note}\n{text}".strip(), (Choice(ctx.t("btn_pub_do"), DoChange().pack()),
                                              Choice(ctx.t("btn_pub_keep"), Manage(course.id).pack()),
                                              menu_button(ctx)))


def _ask_again(ctx: Context, change: dict, error: str) -> Reply:
    COURSE_CHANGE.keep(ctx)
    ctx.expect = EXPECT_CHANGE
    return Reply(error, (Choice(ctx.t("btn_back"), Manage(change["course"]).pack()), menu_button(ctx)))


@router.state(EXPECT_CHANGE, role=ORGANIZER, action=ACTION)
def typed(ctx: Context, text: str) -> Result:
    """The new time, or the words of the message; then the confirmation."""
    change = COURSE_CHANGE.get(ctx)
    if change is None or change.get("step") not in ("time", "text"):
        ctx.expect = ""
        return fallback(ctx, text)
    text = text.strip()
    if change["step"] == "text":
        if not 1 <= len(text) <= MOST_MESSAGE:
            return _ask_again(ctx, change, ctx.t("pub_bad_message", most=MOST_MESSAGE))
        change["text"] = text
        return confirm_screen(ctx)
    parsed = parse_sessions(text, to_local(ctx.now, ctx.tz).replace(tzinfo=None))
    if parsed.error == "pub_session_past":
        return _ask_again(ctx, change, ctx.t("pub_change_past"))
    if parsed.error or len(parsed.sessions) != 1:
        return _ask_again(ctx, change, ctx.t("pub_bad_one_time"))
    starts, ends = parsed.sessions[0]
    change["starts"], change["ends"] = to_utc(ctx, starts).isoformat(), to_utc(ctx, ends).isoformat()
    return confirm_screen(ctx)


def _expired(ctx: Context) -> Reply:
    return Reply(ctx.t("pub_change_expired"), (Choice(ctx.t("btn_pub_courses"), Courses().pack()), menu_button(ctx)))


@router.payload(DoChange, role=ORGANIZER, action=ACTION)
def do_change(ctx: Context, data: DoChange) -> Reply:
    """确认: make the change (once; a second tap finds it done) and owe everyone concerned."""
    change = COURSE_CHANGE.leave(ctx)
    ctx.expect = ""
    if change is None or change.get("step") != "confirm":
        return _expired(ctx)
    course = ctx.session.get(Course, change["course"])
    venue = venue_of(ctx.session, course) if course else None
    refused = refuse_unless(ctx, ORGANIZER, ACTION, venue.community if venue else "",
                            course_unit_id(ctx.session, course) if course else None)
    if refused is not None:
        return refused
    kind, told = change["kind"], len(confirmed_residents(ctx.session, change["course"]))
    if kind == "message":
        _send_message(ctx, course, change)
    elif kind == "close":
        status, ended = cancel_course(ctx.session, course.id, ctx.now)
        if status != "done":
            return _refused(ctx, change, status)
        for place in ended:
            _tell_closed(ctx, course, place.resident_id)
        told = len(ended)
    else:
        result = _change_sessions(ctx, change)
        if result.status != "done":
            return _refused(ctx, change, result.status)
        apply_catalog_changes(ctx.session, ctx.settings, result.report, ctx.now, announce_added=kind == "add")
    record_staff_action(ctx, f"course.{kind}", f"course:{change['course']}", session=change.get("session"),
                        starts=change.get("starts"), ends=change.get("ends"), text=change.get("text", ""),
                        told=told)
    done = ctx.t(f"pub_done_{kind}", count=told, title=course.title if course else "")
    back = (Choice(ctx.t("btn_pub_courses"), Courses().pack()) if kind == "close"
            else Choice(ctx.t("btn_back"), Manage(change["course"]).pack()))
    return Reply(done, (back, menu_button(ctx)))


def _change_sessions(ctx: Context, change: dict):
    course_id, kind = change["course"], change["kind"]
    if kind == "drop":
        return cancel_session(ctx.session, course_id, change["session"], ctx.now)
    starts, ends = datetime.fromisoformat(change["starts"]), datetime.fromisoformat(change["ends"])
    if kind == "move":
        return move_session(ctx.session, course_id, change["session"], starts, ends, ctx.now)
    return add_session(ctx.session, course_id, starts, ends, ctx.now)


def _refused(ctx: Context, change: dict, status: str) -> Reply:
    if status == "not_found" and ctx.session.get(Course, change["course"]) is None:
        return _expired(ctx)
    return Reply(ctx.t(f"pub_change_{status}"), (Choice(ctx.t("btn_back"), Manage(change["course"]).pack()),
                                                  menu_button(ctx)))


def _send_message(ctx: Context, course: Course, change: dict) -> None:
    """The organizer's words to everyone holding a seat; the waiting list and applicants are left out:
    what a class needs to hear (bring a brush, room changed) is for those who come."""
    reply = Reply(ctx.t("course_message", title=course.title, text=change["text"]),
                  (Choice(ctx.t("btn_my"), "my"), Choice(ctx.t("btn_menu"), "menu")))
    for resident_id in confirmed_residents(ctx.session, course.id):
        key = f"course_message:{course.id}:{change['token']}:resident:{resident_id}"
        queue_reply(ctx.session, resident_id, key, "notice", reply, ctx.now)


def _tell_closed(ctx: Context, course: Course, resident_id: int) -> None:
    """A closed course owes its residents nothing more but the news."""
    for prefix in course_push_prefixes(course.id, resident_id):
        drop_pending(ctx.session, prefix)
    reply = Reply(ctx.t("course_closed", title=course.title), (Choice(ctx.t("btn_my"), "my"),
                                                                 Choice(ctx.t("btn_menu"), "menu")))
    queue_reply(ctx.session, resident_id, f"course_closed:{course.id}:resident:{resident_id}", "notice", reply,
                ctx.now, urgent=True)
