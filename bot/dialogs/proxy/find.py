"""代办 for staff: find a resident by name and phone 尾号, see their card, act for them, and leave."""
from __future__ import annotations

import re

from bot.dialogs.acting import STAFF, in_group, may_act, start_acting, stop_acting
from bot.dialogs.context import Context
from bot.dialogs.menus import main_menu, main_menu_choices, menu_button
from bot.dialogs.proxy.callbacks import (Proxy, ProxyFamilyCode, ProxyGo, ProxyPerson, ProxyRegister,
                                         StopActing)
from bot.dialogs.router import Load, Result, Router, fallback
from bot.dialogs.staff_access import record_staff_action
from bot.messages import Choice, Reply
from store.family import CODE_TTL, issue_family_code
from store.models import Resident
from store.models.staff import GRID_STAFF, ORGANIZER
from store.proxy import find_people, has_channel
from store.roles import communities_of

STAFF_ROLES = (GRID_STAFF, ORGANIZER)
EXPECT_FIND = "proxy_find"
SHOWN = 6  # with 重新查找 and 主菜单, eight choices
_FIND = re.compile(r"^\s*(\S{1,20}?)\s*[,，、]?\s*(?:尾号)?\s*(\d{4})\s*$")

router = Router("proxy.find")
router.menu(92, "btn_proxy", Proxy, shown_to=lambda ctx: may_act(ctx, STAFF, 0))
router.keywords({"代办", "/proxy", "帮居民报名", "代报名"}, Proxy)


def staff_communities(ctx: Context) -> list[str] | None:
    """Where the staff member may act: None for everywhere."""
    found: list[str] = []
    for role in STAFF_ROLES:
        where = communities_of(ctx.session, ctx.actor_id, role)
        if where is None:
            return None
        found += where
    return found


def _person(ctx: Context, data) -> Resident | None:
    person = ctx.session.get(Resident, data.person)
    if person is None or person.erased_at is not None:
        return None
    where = staff_communities(ctx)
    return person if where is None or person.community in where else None


PERSON = Load(_person, missing=lambda ctx: Reply(ctx.t("proxy_person_missing"), (_again(ctx), menu_button(ctx))))


def _again(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_proxy_find_again"), Proxy().pack())


def ask_find(ctx: Context, intro: str = "") -> Reply:
    """The question: name and 尾号, or register someone new."""
    ctx.expect = EXPECT_FIND
    ctx.expect_number_answer()  # "1234" typed alone is an answer, not a pick
    return Reply(f"{intro}\n{ctx.t('proxy_title')}".strip(),
                 (Choice(ctx.t("btn_proxy_register"), ProxyRegister().pack()), menu_button(ctx)))


@router.payload(Proxy, role=STAFF_ROLES, action="proxy.find")
def show_find(ctx: Context, data: Proxy) -> Reply:
    """代办's first screen (in one's own chat only)."""
    return in_group(ctx) or ask_find(ctx)


@router.state(EXPECT_FIND, role=STAFF_ROLES, action="proxy.find")
def typed_find(ctx: Context, text: str) -> Result:
    """"张三 1234": the residents that match, one to choose (ambiguous names show their community)."""
    match = _FIND.match(text)
    if not match:
        if re.search(r"\d", text) or len(text) <= 4:
            return ask_find(ctx, ctx.t("proxy_bad_find"))
        ctx.expect = ""
        return fallback(ctx, text)
    name, tail = match.groups()
    found = find_people(ctx.session, ctx.phones(), name, tail, staff_communities(ctx))
    record_staff_action(ctx, "proxy.search", f"name:{name[:1]}…", found=len(found))
    if not found:
        return ask_find(ctx, ctx.t("proxy_none", name=name, tail=tail))
    if len(found) == 1:
        return card(ctx, found[0])
    return _list(ctx, found)


def _list(ctx: Context, found: list[Resident]) -> Reply:
    items = [Choice(ctx.t("proxy_person_label", name=p.display_name, id=p.id,
                          community=p.community or ctx.t("proxy_no_community"))[:40], ProxyPerson(p.id).pack())
             for p in found]
    note = "\n" + ctx.t("proxy_found_more", shown=SHOWN) if len(items) > SHOWN else ""
    return Reply(ctx.t("proxy_found", count=len(found)) + note, (*items[:SHOWN], _again(ctx), menu_button(ctx)))


def card(ctx: Context, person: Resident) -> Reply:
    """Who the person is (phone masked), with 开始代办 and 生成家人绑定码."""
    phone = ctx.phones().open(person.phone) if person.phone else ""
    masked = f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "—"
    reach = ctx.t("proxy_reach_yes" if has_channel(ctx.session, person.id) else "proxy_reach_no")
    text = ctx.t("proxy_card", name=person.display_name, phone=masked, reach=reach,
                 community=person.community or ctx.t("proxy_no_community"))
    return Reply(text, (Choice(ctx.t("btn_proxy_go"), ProxyGo(person.id).pack()),
                        Choice(ctx.t("btn_proxy_family_code"), ProxyFamilyCode(person.id).pack()),
                        _again(ctx), menu_button(ctx)))


@router.payload(ProxyPerson, role=STAFF_ROLES, load=PERSON, action="proxy.find")
def show_person(ctx: Context, data: ProxyPerson, person: Resident) -> Reply:
    """One resident's card."""
    return card(ctx, person)


@router.payload(ProxyGo, role=STAFF_ROLES, load=PERSON, action="proxy.start")
def go(ctx: Context, data: ProxyGo, person: Resident) -> Reply:
    """Enter 代办 for the resident: the menu now works for them."""
    if (refusal := in_group(ctx)) is not None:
        return refusal
    start_acting(ctx, person, STAFF)
    return main_menu(ctx, intro=ctx.t("proxy_started", name=person.display_name))


@router.payload(ProxyFamilyCode, role=STAFF_ROLES, load=PERSON, action="family.code")
def family_code(ctx: Context, data: ProxyFamilyCode, person: Resident) -> Reply:
    """A one-time code staff hand to the resident's relative."""
    code = issue_family_code(ctx.session, person.id, ctx.actor_id, ctx.now)
    return Reply(ctx.t("family_code_made", name=person.display_name, code=code.code,
                       hours=int(CODE_TTL.total_seconds() // 3600)),
                 (Choice(ctx.t("btn_proxy_go"), ProxyGo(person.id).pack()), menu_button(ctx)))


@router.payload(StopActing, on_behalf=True)
def stop(ctx: Context, data: StopActing) -> Reply:
    """退出代办: back to one's own menu."""
    was = stop_acting(ctx)
    if was is None:
        return Reply(ctx.t("proxy_not_acting"), main_menu_choices(ctx))
    return Reply(ctx.t("proxy_stopped", name=was.get("name", "")), main_menu_choices(ctx))


router.keywords({"退出代办", "结束代办", "/stopproxy"}, StopActing)
