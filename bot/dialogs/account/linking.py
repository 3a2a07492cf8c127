"""绑定账号: one person on two chat apps gets one list of sign-ups.

Choosing 绑定账号 (or typing 绑定 / /link) shows a one-time code; typing "绑定 123456" in the
other app (the engine turns it into the payload link:123456), or the bare code right after
choosing 绑定账号 there, merges that app's resident into the code's resident.
"""
from __future__ import annotations

import re

from bot.dialogs.callback import Callback
from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.pushes.seats import promoted
from bot.dialogs.router import Result, Router, fallback
from bot.dialogs.staff_access import is_staff
from bot.messages import Choice, Reply
from bot.dialogs.text_input import clean_text
from store.linking import CODE_TTL, FAIL_WINDOW, issue_code, recent_failures, record_failure, redeem_code
from store.models import Course
from store.people import account_by_id

EXPECT_CODE = "link_code"
MAX_FAILS_PER_ACCOUNT = 5
# Across all accounts: web sessions are free to make, so one account's limit alone is not enough.
MAX_FAILS_OVERALL = 60
# 我的报名 belongs to the courses feature; its payload is part of the wire format.
MY_SIGNUPS = "my"

_WITH_WORD = re.compile(r"^(?:绑定(?:账号)?|/link)\s*[:：]?\s*(\d{6})$", re.IGNORECASE)
_BARE = re.compile(r"^(\d{6})$")



class Link(Callback, prefix="link"):
    code: str | None = None


router = Router("account.linking")
router.menu(90, "btn_link", Link, shown_to=is_staff)  # residents type 绑定 when they need it
router.keywords({"绑定", "绑定账号", "/link"}, Link)
router.keywords({"绑定", "绑定账号", "/link"}, Link, argument=True)


def code_in(text: str, bare_ok: bool = False) -> str | None:
    """The code in "绑定 123456" (or a bare "123456" when bare_ok), else None."""
    text = clean_text(text).replace(" ", "")
    match = _WITH_WORD.match(text) or (_BARE.match(text) if bare_ok else None)
    return match.group(1) if match else None


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


@router.payload(Link)
def show_code(ctx: Context, data: Link) -> Reply:
    """A fresh one-time code, and the step to type it on the other app."""
    if data.code and code_in(data.code, bare_ok=True):
        return redeem(ctx, data.code)
    code = issue_code(ctx.session, ctx.resident_id, ctx.now)
    ctx.expect = EXPECT_CODE
    return Reply(ctx.t("link_code", code=code, minutes=_minutes(CODE_TTL)), (menu_button(ctx),))


def redeem(ctx: Context, code: str) -> Reply:
    """Use a code typed here: this account's resident joins the code's resident."""
    mine = recent_failures(ctx.session, ctx.now, ctx.account.id)
    if mine >= MAX_FAILS_PER_ACCOUNT or recent_failures(ctx.session, ctx.now) >= MAX_FAILS_OVERALL:
        return Reply(ctx.t("link_locked", minutes=_minutes(FAIL_WINDOW)), (menu_button(ctx),))
    result = redeem_code(ctx.session, code, ctx.resident_id, ctx.now)
    if result.status == "own":
        return Reply(ctx.t("link_own", code=code), (menu_button(ctx),))
    if result.status != "linked":
        record_failure(ctx.session, ctx.account.id, ctx.now)
        ctx.expect = EXPECT_CODE
        return Reply(ctx.t("link_bad"), (Choice(ctx.t("btn_link"), Link().pack()), menu_button(ctx)))
    ctx.account = account_by_id(ctx.session, ctx.account.id)  # it belongs to the code's resident now
    for enrolment in result.merge.promoted:
        promoted(ctx, ctx.session.get(Course, enrolment.course_id), enrolment)
    ctx.expect = ""
    return Reply(ctx.t("link_done"), (Choice(ctx.t("btn_my"), MY_SIGNUPS), menu_button(ctx)))


@router.state(EXPECT_CODE)
def typed_code(ctx: Context, text: str) -> Result:
    """Right after 绑定账号: a bare code links; anything else is a search as usual."""
    code = code_in(text, bare_ok=True)
    if code is None:
        ctx.expect = ""
        return fallback(ctx, text)
    return redeem(ctx, code)
