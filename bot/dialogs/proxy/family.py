"""Family links: the elder (设置 → 我的家人) gives a relative a one-time code, the relative types
绑定家人 CODE and may then act for the elder (家人代办); the elder is told and can remove the link."""
from __future__ import annotations

import re

from bot.dialogs.acting import FAMILY, in_group, start_acting
from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.links import MyFamily
from bot.dialogs.menus import main_menu, menu_button
from bot.dialogs.paging import paged
from bot.dialogs.proxy.callbacks import FamilyBind, FamilyCode, FamilyElders, FamilyGo, FamilyRemove
from bot.dialogs.router import Result, Router, fallback
from bot.dialogs.staff_access import tell
from bot.messages import Choice, Reply
from store.family import (CODE_TTL, elders_of, family_of, issue_family_code, live_link, redeem_family_code,
                          remove_link)
from store.linking import recent_failures, record_failure
from store.models import FamilyLink, Resident
from store.proxy import has_channel

EXPECT_CODE = "family_code"
MAX_FAILS = 5  # wrong codes an account may type in the window (store.linking.FAIL_WINDOW)
MOST_SHOWN = 4  # links listed with 解除, so the screen stays within eight choices

router = Router("proxy.family")
router.menu(8, "btn_family_act", FamilyElders, shown_to=lambda ctx: bool(elders_of(ctx.session, ctx.actor_id)))
router.keywords({"家人代办", "帮家人报名", "/family"}, FamilyElders)
router.keywords({"我的家人"}, MyFamily)
router.keywords({"绑定家人", "/bindfamily"}, FamilyBind)
router.keywords({"绑定家人", "/bindfamily"}, FamilyBind, argument=True)


def _name(ctx: Context, resident_id: int) -> str:
    person = ctx.session.get(Resident, resident_id)
    return (person.display_name if person else "") or ctx.t("resident_n", id=resident_id)


@router.payload(MyFamily)
def my_family(ctx: Context, data: MyFamily) -> Reply:
    """The elder's linked relatives, 生成家人绑定码 and 解除."""
    links = family_of(ctx.session, ctx.resident_id)
    lines = "\n".join(ctx.t("family_line", n=i, name=person.display_name or ctx.t("resident_n", id=person.id),
                            date=f"{to_local(link.created_at, ctx.tz):%m-%d}")
                      for i, (link, person) in enumerate(links, 1)) or ctx.t("family_none")
    choices = [Choice(ctx.t("btn_family_code"), FamilyCode().pack())]
    choices += [Choice(ctx.t("btn_family_remove", name=(person.display_name or str(person.id))[:12]),
                       FamilyRemove(link.id).pack()) for link, person in links[:MOST_SHOWN]]
    return Reply(ctx.t("family_title", lines=lines),
                 (*choices, Choice(ctx.t("btn_settings"), "set"), menu_button(ctx)))


@router.payload(FamilyCode)
def make_code(ctx: Context, data: FamilyCode) -> Reply:
    """A fresh one-time code for a relative; an earlier unused one stops working."""
    code = issue_family_code(ctx.session, ctx.resident_id, ctx.actor_id, ctx.now)
    return Reply(ctx.t("family_code_made", name=_name(ctx, ctx.resident_id), code=code.code,
                       hours=int(CODE_TTL.total_seconds() // 3600)),
                 (Choice(ctx.t("btn_my_family"), MyFamily().pack()), menu_button(ctx)))


@router.payload(FamilyRemove)
def remove(ctx: Context, data: FamilyRemove) -> Reply:
    """解除: asked once, then the relative can no longer act and is told."""
    link = ctx.session.get(FamilyLink, data.link)
    back = (Choice(ctx.t("btn_my_family"), MyFamily().pack()), menu_button(ctx))
    if link is None or link.elder_id != ctx.resident_id or link.removed_at is not None:
        return Reply(ctx.t("family_remove_missing"), back)
    name = _name(ctx, link.member_id)
    if not data.sure:
        return Reply(ctx.t("family_remove_ask", name=name),
                     (Choice(ctx.t("btn_family_remove_yes"), FamilyRemove(link.id, 1).pack()), *back))
    remove_link(ctx.session, link.id, ctx.resident_id, ctx.now)
    if has_channel(ctx.session, link.member_id):
        tell(ctx, link.member_id, f"family:unlink:{link.id}", "family",
             Reply(ctx.t("family_unlinked_push", name=_name(ctx, ctx.resident_id))))
    return Reply(ctx.t("family_removed", name=name), back)


def _ask_code(ctx: Context, intro: str = "") -> Reply:
    ctx.expect = EXPECT_CODE
    ctx.expect_number_answer()
    return Reply(f"{intro}\n{ctx.t('family_bind_ask')}".strip(), (menu_button(ctx),))


@router.payload(FamilyBind)
def bind(ctx: Context, data: FamilyBind) -> Reply:
    """绑定家人 (asks for the code) or 绑定家人 123456."""
    return _redeem(ctx, data.code) if data.code else _ask_code(ctx)


@router.state(EXPECT_CODE)
def typed_code(ctx: Context, text: str) -> Result:
    """The code typed after 绑定家人; other words are a search again."""
    code = re.sub(r"\s+", "", text)
    if not re.fullmatch(r"\d{1,12}", code):
        ctx.expect = ""
        return fallback(ctx, text)
    return _redeem(ctx, code)


def _redeem(ctx: Context, code: str) -> Reply:
    """Link to the code's elder; a wrong, used or expired code changes nothing and is counted."""
    if recent_failures(ctx.session, ctx.now, ctx.account.id) >= MAX_FAILS:
        return Reply(ctx.t("family_too_many"), (menu_button(ctx),))
    result = redeem_family_code(ctx.session, code, ctx.actor_id, ctx.now)
    if result.status == "invalid":
        record_failure(ctx.session, ctx.account.id, ctx.now)
        return _ask_code(ctx, ctx.t("family_bad_code"))
    elder = _name(ctx, result.elder_id)
    if result.status == "own":
        return Reply(ctx.t("family_own_code"), (menu_button(ctx),))
    if result.status == "already":
        return Reply(ctx.t("family_already", name=elder), (Choice(ctx.t("btn_family_act"), FamilyElders().pack()),
                                                           menu_button(ctx)))
    if has_channel(ctx.session, result.elder_id):
        tell(ctx, result.elder_id, f"family:link:{result.elder_id}:{ctx.actor_id}:{ctx.now.isoformat()}", "family",
             Reply(ctx.t("family_linked_push", name=_name(ctx, ctx.actor_id)),
                   (Choice(ctx.t("btn_my_family"), MyFamily().pack()),)))
    return Reply(ctx.t("family_linked", name=elder),
                 (Choice(ctx.t("btn_family_act"), FamilyElders().pack()), menu_button(ctx)))


@router.payload(FamilyElders)
def elders(ctx: Context, data: FamilyElders) -> Reply:
    """家人代办: whom to act for."""
    found = elders_of(ctx.session, ctx.actor_id)
    if not found:
        return Reply(ctx.t("family_elders_none"), (Choice(ctx.t("btn_family_bind"), FamilyBind().pack()),
                                                   menu_button(ctx)))
    items = [Choice(p.display_name or ctx.t("resident_n", id=p.id), FamilyGo(p.id).pack()) for p in found]
    choices, note = paged(ctx, items, data.page, lambda page: FamilyElders(page).pack(), None,
                          tail=(menu_button(ctx),))
    return Reply(ctx.t("family_elders_title") + note, tuple(choices))


@router.payload(FamilyGo)
def go(ctx: Context, data: FamilyGo) -> Reply:
    """Enter 代办 for the elder; only over a live link, in one's own chat."""
    if (refusal := in_group(ctx)) is not None:
        return refusal
    person = ctx.session.get(Resident, data.person)
    if person is None or person.erased_at is not None or live_link(ctx.session, person.id, ctx.actor_id) is None:
        return Reply(ctx.t("family_elders_none"), (menu_button(ctx),))
    start_acting(ctx, person, FAMILY)
    return main_menu(ctx, intro=ctx.t("proxy_started", name=person.display_name))
