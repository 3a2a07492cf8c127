"""A course's page and the sign-up that starts from it."""
from __future__ import annotations

from bot.dialogs.acting import acted
from bot.dialogs.context import Context
from bot.dialogs.courses.callbacks import AskCancel, AskSignUp, Browse, CategoryPage, CoursePage, MySignups, SignUp
from bot.dialogs.formatting import format_when, to_local
from bot.dialogs.links import WatchCourse
from bot.dialogs.menus import menu_button
from bot.dialogs.pushes.seats import seat_confirmed
from bot.dialogs.router import Load, Router
from bot.messages import Choice, Reply
from bot.observability.metrics import count_signup
from store.catalog import SessionTimes, course_by_code, next_session, place_of, sessions_of
from store.course_facts import course_facts
from store.enrolments import live_enrolment, seats_left, take_seat, waiting_position
from store.lottery import APPLIED, apply_for, is_lottery, recorded_draw
from store.models import Course, Enrolment
from store.models.enrolment import CONFIRMED

SESSIONS_SHOWN = 6

router = Router("courses.course")


def course_missing(ctx: Context) -> Reply:
    """No such course (any more)."""
    return Reply(ctx.t("course_missing"), (Choice(ctx.t("btn_browse"), Browse().pack()), menu_button(ctx)))


# The course a button names by its code; a course taken off the menu is missing.
COURSE = Load(lambda ctx, data: course_by_code(ctx.session, data.code), missing=course_missing)
# Signing up locks the course as it reads it: the seat decision needs the lock, and needs no second read.
LOCKED_COURSE = Load(lambda ctx, data: course_by_code(ctx.session, data.code, lock=True), missing=course_missing)


def first_session_text(ctx: Context, course: Course, sessions: list[SessionTimes] | None = None) -> str:
    """When the next session of a course is, or a note that none is left (from its sessions in time
    order, when the caller has read them)."""
    nxt = (next_session(ctx.session, course.id, ctx.now) if sessions is None
           else next((s for s in sessions if s.ends_at > ctx.now), None))
    return format_when(nxt.starts_at, nxt.ends_at, ctx.tz, ctx.lang) if nxt else ctx.t("my_no_next")


def seats_text(ctx: Context, left: int, capacity: int) -> str:
    """"还剩 3 个名额（共 24 个）", or "已满，可候补"."""
    return ctx.t("seats_some", n=left, capacity=capacity) if left > 0 else ctx.t("seats_none")


def course_page(ctx: Context, course: Course) -> Reply:
    """Title, teacher, place, session times, seats left and what the resident can do."""
    sessions = [s for s in sessions_of(ctx.session, course.id) if s.ends_at > ctx.now]
    lines = [format_when(s.starts_at, s.ends_at, ctx.tz, ctx.lang) for s in sessions[:SESSIONS_SHOWN]]
    if len(sessions) > SESSIONS_SHOWN:
        lines.append(ctx.t("course_more_sessions", count=len(sessions)))
    facts = course_facts(ctx.session, course, ctx.resident_id)
    left = facts.seats_left
    text = ctx.t("course_detail", title=course.title, teacher=course.teacher or "—",
                 venue=facts.venue or "—", address=facts.address or "—",
                 sessions="\n".join(lines) or ctx.t("my_no_next"),
                 seats=seats_text(ctx, left, course.capacity), description=course.description)
    if course.tags.strip():
        text = f"{text.rstrip()}\n{ctx.t('course_tags', tags='、'.join(course.tags.split()))}"
    if applying(ctx, course):
        text = f"{text.rstrip()}\n{ctx.t('course_lottery_note', until=_until(ctx, course))}"
    mine = facts.mine
    choices: list[Choice] = []
    if mine is not None:
        note = ctx.t("course_your_place") if mine.status == CONFIRMED else ctx.t("my_place_applied") \
            if mine.status == APPLIED else ctx.t("course_your_wait", position=waiting_position(ctx.session, mine))
        text = f"{text.rstrip()}\n\n{note}"
        choices.append(Choice(ctx.t("btn_cancel_signup"), AskCancel(mine.id).pack()))
    elif sessions:
        if left == 0:
            text = f"{text.rstrip()}\n\n{ctx.t('course_full_note')}"
        choices.append(Choice(ctx.t("btn_sign_up" if left else "btn_wait"), AskSignUp(course.code).pack()))
        if left == 0:
            choices.append(Choice(ctx.t("btn_watch_course"), WatchCourse(course.code).pack()))
    choices.append(Choice(ctx.t("btn_back"), CategoryPage(course.category_id).pack()))
    choices.append(menu_button(ctx))
    return Reply(text.rstrip(), tuple(choices), replaceable=True)


@router.payload(CoursePage, load=COURSE, on_behalf=True)
def show_course(ctx: Context, data: CoursePage, course: Course) -> Reply:
    """A course's page."""
    return course_page(ctx, course)


def ask_companions(ctx: Context, course: Course) -> Reply:
    """How many companions come along: 0..companions_max, each taking a seat."""
    choices = [Choice(ctx.t("btn_companions", n=n) if n else ctx.t("btn_no_companions"),
                      AskSignUp(course.code, n).pack()) for n in range(course.companions_max + 1)]
    choices.append(Choice(ctx.t("btn_back"), CoursePage(course.code).pack()))
    return Reply(ctx.t("ask_companions", title=course.title, max=course.companions_max,
                       seats_left=seats_left(ctx.session, course)), tuple(choices), replaceable=True)


def companions_wrong(ctx: Context, course: Course, companions: int | None) -> bool:
    """True when a button names more companions than the course allows (or fewer than none)."""
    return companions is not None and not 0 <= companions <= course.companions_max


@router.payload(AskSignUp, load=COURSE, on_behalf=True)
def confirm_sign_up(ctx: Context, data: AskSignUp, course: Course) -> Reply:
    """Ask how many companions (when allowed), then before signing up (or joining the waiting list)."""
    facts = course_facts(ctx.session, course, ctx.resident_id)
    if facts.mine is not None:
        return course_page(ctx, course)
    if course.companions_max and (data.companions is None or companions_wrong(ctx, course, data.companions)):
        return ask_companions(ctx, course)
    party = 1 + (data.companions or 0)
    if party > course.capacity:
        return Reply(ctx.t("party_too_big", capacity=course.capacity), ask_companions(ctx, course).choices)
    no = Choice(ctx.t("btn_not_now"), CoursePage(course.code).pack())
    go = SignUp(course.code, data.companions).pack()
    if applying(ctx, course):
        if ctx.now >= course.apply_until:
            return Reply(ctx.t("apply_closed", title=course.title), (no,))
        return Reply(ctx.t("confirm_apply", title=course.title, until=_until(ctx, course)) + _party_note(ctx, party),
                     (Choice(ctx.t("btn_confirm_apply"), go), no), replaceable=True)
    left = facts.seats_left
    if left < party or facts.line_waits:  # nobody skips the queue
        text = (ctx.t("confirm_wait_party", title=course.title, left=left, seats=party) if 0 < left < party
                else ctx.t("confirm_wait", title=course.title) + _party_note(ctx, party))
        return Reply(text, (Choice(ctx.t("btn_confirm_wait"), go), no), replaceable=True)
    sessions = sessions_of(ctx.session, course.id)
    count = sum(1 for s in sessions if s.ends_at > ctx.now)
    text = ctx.t("confirm_signup", title=course.title, count=count,
                 first=first_session_text(ctx, course, sessions), venue=facts.venue or "—")
    return Reply(text + _party_note(ctx, party), (Choice(ctx.t("btn_confirm_signup"), go), no), replaceable=True)


def applying(ctx: Context, course: Course) -> bool:
    """True while a lottery course takes applications or waits for its draw."""
    return is_lottery(course) and course.apply_until is not None and recorded_draw(ctx.session, course.id) is None


def _until(ctx: Context, course: Course) -> str:
    when = to_local(course.apply_until, ctx.tz)
    return f"{when.month}月{when.day}日 {when:%H:%M}"


def _apply(ctx: Context, course: Course, party: int, after: tuple[Choice, ...]) -> Reply:
    """Record a lottery application and say when the draw is."""
    result = apply_for(ctx.session, ctx.resident_id, course.id, ctx.now, party=party)
    if result.status in ("bad_party", "party_too_big"):
        return ask_companions(ctx, course)
    if result.status == "window_closed":
        return Reply(ctx.t("apply_closed", title=course.title), after)
    if result.status == "applied":
        acted(ctx, "apply", f"course:{course.code}", ctx.t("proxy_what_apply", title=course.title),
              lambda: ctx.session.get(Enrolment, result.enrolment_id) if result.enrolment_id else None)
        return Reply(ctx.t("applied", title=course.title, until=_until(ctx, course)) + _party_note(ctx, party),
                     after)
    if result.status == "not_found":
        return Reply(ctx.t("course_missing"), after)
    return Reply(ctx.t("already_applied", title=course.title, until=_until(ctx, course)), after)


def _party_note(ctx: Context, party: int) -> str:
    return "\n" + ctx.t("party_note", seats=party) if party > 1 else ""


@router.payload(SignUp, load=LOCKED_COURSE, on_behalf=True)
def sign_up(ctx: Context, data: SignUp, course: Course) -> Reply:
    """Take a seat, or a waiting-list place, and say which."""
    after = (Choice(ctx.t("btn_my"), MySignups().pack()), menu_button(ctx))
    if companions_wrong(ctx, course, data.companions) or (course.companions_max and data.companions is None
                                                          and live_enrolment(ctx.session, course.id,
                                                                             ctx.resident_id) is None):
        return ask_companions(ctx, course)
    if applying(ctx, course):
        return _apply(ctx, course, 1 + (data.companions or 0), after)
    result = take_seat(ctx.session, ctx.resident_id, course.id, ctx.now, party=1 + (data.companions or 0))
    party = _party_note(ctx, 1 + (data.companions or 0))
    count_signup(result.status)
    if result.status in ("confirmed", "waiting"):
        acted(ctx, "signup", f"course:{course.code}",
              ctx.t("proxy_what_signup" if result.status == "confirmed" else "proxy_what_wait", title=course.title),
              lambda: ctx.session.get(Enrolment, result.enrolment_id) if result.enrolment_id else None)
    if result.status in ("bad_party", "party_too_big"):
        return ask_companions(ctx, course)
    if result.status == "confirmed":
        sessions = sessions_of(ctx.session, course.id)  # read once: the reminders and the reply use them
        seat_confirmed(ctx, course, ctx.resident_id, sessions, new_place=True, planned=result.planned_until)
        venue, address = place_of(ctx.session, course)
        return Reply(ctx.t("signed_up", title=course.title, first=first_session_text(ctx, course, sessions),
                           venue=venue or "—", address=address or "—") + party, after)
    if result.status == "waiting" and data.companions:
        return Reply(ctx.t("waitlisted_party", position=result.position, seats=1 + data.companions), after)
    if result.status == "waiting":
        return Reply(ctx.t("waitlisted", position=result.position), after)
    if result.status == "already_confirmed":
        return Reply(ctx.t("already_signed_up", title=course.title), after)
    if result.status == "already_waiting":
        return Reply(ctx.t("already_waiting", title=course.title, position=result.position), after)
    if result.status == "ended":
        return Reply(ctx.t("course_ended", title=course.title), after)
    return Reply(ctx.t("course_missing"), after)
