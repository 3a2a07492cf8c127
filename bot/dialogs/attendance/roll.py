"""点名: the teacher or staff pick a session, type who is present ("1 3 4", "1,3,4" or 全到), confirm, save."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from bot.dialogs.attendance.access import ROLL, SESSION, may_take_roll
from bot.dialogs.attendance.callbacks import RollAll, Rolls, RollSheet, SaveRoll
from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import page_count, paged
from bot.dialogs.router import Result, Router, fallback
from bot.dialogs.staff_access import person_name, record_staff_action
from store.proxy import proxied_in
from bot.dialogs.states import ROLL_CALL
from bot.messages import Choice, Reply
from store.attendance import ensure_roll, expected_at, has_roll, on_leave_from, present_at, save_roll
from store.models import ClassSession, Course
from store.models.attendance import CHECKED_IN

EXPECT_NUMBERS = "roll_numbers"
ALL_WORDS = {"全到", "全部到", "都到了", "全部到齐", "全到了"}
_SPLIT = re.compile(r"[\s,，、;；.。]+")
_RANGE = re.compile(r"^(\d{1,3})[-–—~～到至](\d{1,3})$")

router = Router("attendance.roll")
router.keywords({"点名", "/roll"}, Rolls)


def when_of(ctx: Context, cls: ClassSession) -> str:
    """'12月2日（周三）09:00–10:30' in the display zone."""
    return format_when(cls.starts_at, cls.ends_at, ctx.tz, ctx.lang)


def _rolls_back(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_back"), Rolls().pack())


@router.payload(Rolls, role=ROLL)
def rolls(ctx: Context, data: Rolls) -> Reply:
    """The sessions the person may take the roll of: started lately or about to start, newest first."""
    rules = ctx.settings.attendance
    since = ctx.now - timedelta(days=rules.roll_days_back)
    until = ctx.now + timedelta(minutes=rules.checkin_before_minutes)
    rows = ctx.session.exec(select(ClassSession, Course).join(Course, Course.id == ClassSession.course_id)
                            .where(ClassSession.starts_at >= since, ClassSession.starts_at <= until,
                                   Course.active)
                            .order_by(ClassSession.starts_at.desc(), ClassSession.id)).all()
    mine = [(cls, course) for cls, course in rows if may_take_roll(ctx, course)]
    if not mine:
        return Reply(ctx.t("att_rolls_none"), (menu_button(ctx),))
    items = [Choice(ctx.t("att_roll_label", when=when_of(ctx, cls), title=course.title,
                          mark=ctx.t("att_roll_taken") if has_roll(ctx.session, cls.id) else "")[:60],
                    RollSheet(cls.id).pack()) for cls, course in mine]
    choices, note = paged(ctx, items, data.page, lambda p: Rolls(p).pack(), menu_button(ctx))
    return Reply(ctx.t("att_rolls_title") + note, tuple(choices))


def _mark(ctx: Context, resident_id: int, present: dict[int, str], away: set[int], proxied: set[int]) -> str:
    proxy = ctx.t("proxy_mark") if resident_id in proxied else ""
    if resident_id in present:
        return proxy + ctx.t("att_mark_checked_in" if present[resident_id] == CHECKED_IN else "att_mark_present")
    return proxy + (ctx.t("att_mark_leave") if resident_id in away else "")


def sheet(ctx: Context, cls: ClassSession, page: int | None) -> Reply:
    """The numbered roll, one page of names, waiting for the numbers of those present."""
    course = ctx.session.get(Course, cls.course_id)
    ids = expected_at(ctx.session, cls, ctx.now)
    when = when_of(ctx, cls)
    if not ids:
        return Reply(ctx.t("att_sheet_empty", title=course.title, when=when), (_rolls_back(ctx), menu_button(ctx)))
    present, away = present_at(ctx.session, cls.id), on_leave_from(ctx.session, cls.id)
    proxied = proxied_in(ctx.session, cls.course_id)
    size = ctx.settings.dialogs.page_size
    pages = page_count(len(ids), size)
    page = min(max(page or 1, 1), pages)
    first = (page - 1) * size
    lines = [ctx.t("att_line", n=first + i + 1, name=person_name(ctx, rid), mark=_mark(ctx, rid, present, away, proxied))
             for i, rid in enumerate(ids[first:first + size])]
    roll = ensure_roll(ctx.session, cls.id, ctx.now)
    link = f"{ctx.settings.web.public_url.rstrip('/')}/?start=attend-{roll.code}"
    ROLL_CALL.enter(ctx, {"sid": cls.id, "ids": ids})
    ctx.expect = EXPECT_NUMBERS
    ctx.expect_number_answer()  # "3" is resident 3 on the roll, not the third button
    note = ctx.t("page_info", page=page, pages=pages) if pages > 1 else ""
    text = ctx.t("att_sheet", title=course.title, when=when, total=len(ids),
                 present=sum(1 for rid in ids if rid in present), page=note, lines="\n".join(lines),
                 code=roll.code, link=link)
    choices = [Choice(ctx.t("btn_roll_all"), RollAll(cls.id).pack())]
    if page < pages:
        choices.append(Choice(ctx.t("btn_next"), RollSheet(cls.id, page + 1).pack()))
    if page > 1:
        choices.append(Choice(ctx.t("btn_prev"), RollSheet(cls.id, page - 1).pack()))
    choices += [_rolls_back(ctx), menu_button(ctx)]
    return Reply(text, tuple(choices))


@router.payload(RollSheet, role=ROLL, load=SESSION)
def open_sheet(ctx: Context, data: RollSheet, cls: ClassSession) -> Reply:
    """One session's roll."""
    return sheet(ctx, cls, data.page)


def parse_numbers(text: str, total: int) -> set[int] | None:
    """Positions typed on the roll ("1 3 4", "1,3,4", "2-5"), each within 1..total; None if any is not."""
    found: set[int] = set()
    parts = [p for p in _SPLIT.split(text.strip()) if p]
    if not parts:
        return None
    for part in parts:
        span = _RANGE.match(part)
        low, high = (int(span.group(1)), int(span.group(2))) if span else (None, None)
        if span is None:
            if not part.isdigit():
                return None
            low = high = int(part)
        if not 1 <= low <= high <= total:
            return None
        found.update(range(low, high + 1))
    return found


def confirm(ctx: Context, cls: ClassSession, step: dict, present: set[int]) -> Reply:
    """Who is present and who is not, before anything is saved."""
    course = ctx.session.get(Course, cls.course_id)
    step["present"] = sorted(present)
    ROLL_CALL.keep(ctx)
    ctx.expect = ""
    # Residents who checked themselves in stay present whatever is typed: show them so.
    present = present | {rid for rid, how in present_at(ctx.session, cls.id).items() if how == CHECKED_IN}
    names = [person_name(ctx, rid) for rid in step["ids"] if rid in present]
    missing = [person_name(ctx, rid) for rid in step["ids"] if rid not in present]
    nobody = ctx.t("att_nobody")
    text = ctx.t("att_confirm", title=course.title, when=when_of(ctx, cls), present=len(names),
                 names="、".join(names) or nobody, absent=len(missing), missing="、".join(missing) or nobody)
    return Reply(text, (Choice(ctx.t("btn_roll_save"), SaveRoll(cls.id).pack()),
                        Choice(ctx.t("btn_roll_again"), RollSheet(cls.id).pack()),
                        _rolls_back(ctx)))


def _step_for(ctx: Context, session_id: int) -> dict | None:
    step = ROLL_CALL.get(ctx)
    return step if step is not None and step.get("sid") == session_id else None


@router.payload(RollAll, role=ROLL, load=SESSION)
def all_present(ctx: Context, data: RollAll, cls: ClassSession) -> Reply:
    """全到: everyone on the roll, to confirm."""
    step = _step_for(ctx, cls.id)
    if step is None:
        return sheet(ctx, cls, 1)
    return confirm(ctx, cls, step, set(step["ids"]))


@router.state(EXPECT_NUMBERS, role=ROLL, action="attendance.roll")
def typed_numbers(ctx: Context, text: str) -> Result:
    """The numbers of those present, or 全到; anything else is asked again and nothing is kept."""
    step = ROLL_CALL.get(ctx)
    cls = ctx.session.get(ClassSession, step["sid"]) if step else None
    if cls is None:
        ctx.expect = ""
        return fallback(ctx, text)
    if text.strip() in ALL_WORDS:
        return confirm(ctx, cls, step, set(step["ids"]))
    numbers = parse_numbers(text, len(step["ids"]))
    if numbers is None:
        ctx.expect = EXPECT_NUMBERS
        ctx.expect_number_answer()
        return Reply(ctx.t("att_bad_numbers", text=text[:20], total=len(step["ids"])),
                     (Choice(ctx.t("btn_roll_all"), RollAll(cls.id).pack()), _rolls_back(ctx)))
    return confirm(ctx, cls, step, {step["ids"][n - 1] for n in numbers})


@router.payload(SaveRoll, role=ROLL, load=SESSION)
def save(ctx: Context, data: SaveRoll, cls: ClassSession) -> Reply:
    """Save the confirmed roll; check-ins that came meanwhile stay."""
    step = _step_for(ctx, cls.id)
    if step is None or "present" not in step:
        return Reply(ctx.t("att_lapsed"), (Choice(ctx.t("btn_roll_again"), RollSheet(cls.id).pack()),
                                           menu_button(ctx)))
    ROLL_CALL.leave(ctx)
    result = save_roll(ctx.session, cls.id, set(step["present"]), ctx.resident_id, ctx.now)
    record_staff_action(ctx, "attendance.roll", f"session:{cls.id}", present=result.present,
                        added=result.added, removed=result.removed)
    course = ctx.session.get(Course, cls.course_id)
    return Reply(ctx.t("att_saved", title=course.title, when=when_of(ctx, cls), present=result.present),
                 (_rolls_back(ctx), menu_button(ctx)))
