"""Community group chats: a grid worker's one-time bind code, binding a group with it, and what
happens when the bot is added to a group or removed from it.

"/bindcode" in private chat gives a code for a community (and grid); "/bind CODE" typed in the
group by the same worker binds that group. Group-chat turns arrive through `handle_in_group`,
which knows the chat the command was typed in.
"""
from __future__ import annotations

import logging
from typing import Any

from bot.dialogs.context import Context
from bot.dialogs.failures import are_retried
from bot.dialogs.menus import menu_button
from bot.dialogs.notices.callbacks import BindCode, BindHere, Compose, Notices, PickCommunity, PickGrid, Subscriptions
from bot.dialogs.router import Router
from bot.dialogs.staff_access import Role, actor_name, refuse_unless
from bot.dialogs.text_input import clean_text
from bot.messages import Choice, Incoming, Reply, Turn
from bot.texts import t
from store.dialog_state import claim_update
from store.groups import (BIND_CODE_TTL, bind_group, grids_of, group_joined, group_left,
                          issue_bind_code, known_communities, peek_bind_code)
from store.models.staff import GRID_STAFF, ORGANIZER
from store.people import Account, get_or_create_account
from store.roles import audit, communities_of, has_role

log = logging.getLogger("linli.groups")

EXPECT_COMMUNITY = "gbc_community"
EXPECT_GRID = "gbc_grid"
NAME_MAX = 30
# Staff screens that must not be shown to a whole group.
PRIVATE_ONLY = {Compose.prefix, Notices.prefix, BindCode.prefix, Subscriptions.prefix}


def staff(action: str) -> Role:
    """A button's guard: grid workers and organizers (a refusal says grid worker)."""
    return Role((GRID_STAFF, ORGANIZER), action)


router = Router("notices.groups")
router.keywords({"/bindcode", "绑定群"}, BindCode)
router.keywords({"/bind"}, BindHere, argument=True)


# -- who may do what --------------------------------------------------------------------------

def staff_reach(ctx: Context) -> list[str] | None:
    """Communities the person may send notices to as grid worker or organizer; None: all."""
    found: list[str] = []
    for role in (GRID_STAFF, ORGANIZER):
        communities = communities_of(ctx.session, ctx.resident_id, role)
        if communities is None:
            return None
        found.extend(communities)
    return sorted(set(found))


def may_reach(ctx: Context, community: str | None = None) -> bool:
    """True when the person is grid worker or organizer (for that community)."""
    return any(has_role(ctx.session, ctx.resident_id, role, community) for role in (GRID_STAFF, ORGANIZER))


def staff_gate(ctx: Context, action: str, community: str | None = None) -> Reply | None:
    """None for grid workers and organizers (of the community); a refusal, audited, otherwise."""
    if may_reach(ctx, community):
        return None
    return refuse_unless(ctx, GRID_STAFF, action, community)


def refuse(ctx: Context, action: str, community: str) -> Reply:
    """A polite refusal, audited, for a step the person's roles no longer cover."""
    audit(ctx.session, "refused", actor_resident_id=ctx.resident_id, actor=actor_name(ctx),
          target=action, detail={"needs": GRID_STAFF, "community": community}, now=ctx.now)
    return Reply(ctx.t("staff_only"), (menu_button(ctx),))


def reachable_communities(ctx: Context) -> list[str]:
    """The communities to offer: those of the person's roles, or every known one."""
    reach = staff_reach(ctx)
    return reach if reach is not None else known_communities(ctx.session)


# -- /bindcode in private chat ----------------------------------------------------------------

@router.payload(BindCode, role=staff("group.bindcode"))
def choose_community(ctx: Context, data: BindCode | None = None) -> Reply:
    """/bindcode: which community the group will belong to."""
    communities = reachable_communities(ctx)
    ctx.data["gbc"] = {"communities": communities}
    choices = [Choice(name, PickCommunity(str(i)).pack()) for i, name in enumerate(communities)]
    if staff_reach(ctx) is None:
        choices.append(Choice(ctx.t("btn_type_community"), PickCommunity("new").pack()))
    if not choices:
        return Reply(ctx.t("bind_no_community"), (menu_button(ctx),))
    return Reply(ctx.t("bind_pick_community"), tuple(choices + [menu_button(ctx)]))


def _grid_step(ctx: Context, community: str) -> Reply:
    refused = staff_gate(ctx, "group.bindcode", community)
    if refused:
        return refused
    grids = grids_of(ctx.session, community)
    ctx.data["gbc"] = {"community": community, "grids": grids}
    choices = [Choice(ctx.t("btn_whole_community"), PickGrid("all").pack())]
    choices += [Choice(grid, PickGrid(str(i)).pack()) for i, grid in enumerate(grids)]
    choices.append(Choice(ctx.t("btn_type_grid"), PickGrid("new").pack()))
    return Reply(ctx.t("bind_pick_grid", community=community), tuple(choices + [menu_button(ctx)]))


def _typed_name(text: str) -> str | None:
    name = clean_text(text).replace("\n", " ").strip()
    return name if 0 < len(name) <= NAME_MAX else None


@router.payload(PickCommunity, role=staff("group.bindcode"))
def picked_community(ctx: Context, data: PickCommunity) -> Reply:
    """A community was chosen (or the worker will type one)."""
    step = ctx.data.get("gbc") or {}
    communities = step.get("communities") or []
    if data.choice == "new" and staff_reach(ctx) is None:
        ctx.expect = EXPECT_COMMUNITY
        return Reply(ctx.t("bind_type_community", max=NAME_MAX), (menu_button(ctx),))
    try:
        community = communities[int(data.choice)]
    except (IndexError, ValueError):
        return choose_community(ctx)
    return _grid_step(ctx, community)


@router.state(EXPECT_COMMUNITY)
def typed_community(ctx: Context, text: str) -> Reply:
    """A community name typed by someone who may reach every community."""
    name = _typed_name(text)
    if name is None:
        ctx.expect = EXPECT_COMMUNITY
        return Reply(ctx.t("bind_bad_name", max=NAME_MAX), (menu_button(ctx),))
    return _grid_step(ctx, name)


def _code_reply(ctx: Context, community: str, grid: str) -> Reply:
    refused = staff_gate(ctx, "group.bindcode", community)
    if refused:
        return refused
    row = issue_bind_code(ctx.session, ctx.resident_id, community, grid, ctx.now)
    ctx.data.pop("gbc", None)
    where = f"{community} {grid}".strip()
    minutes = int(BIND_CODE_TTL.total_seconds() // 60)
    return Reply(ctx.t("bind_code", code=row.code, where=where, minutes=minutes), (menu_button(ctx),))


@router.payload(PickGrid, role=staff("group.bindcode"))
def picked_grid(ctx: Context, data: PickGrid) -> Reply:
    """The whole community, a known grid, or a grid to type."""
    step = ctx.data.get("gbc") or {}
    community = step.get("community")
    if not community:
        return choose_community(ctx)
    if data.choice == "all":
        return _code_reply(ctx, community, "")
    if data.choice == "new":
        ctx.expect = EXPECT_GRID
        return Reply(ctx.t("bind_type_grid", max=NAME_MAX), (menu_button(ctx),))
    try:
        grid = step.get("grids", [])[int(data.choice)]
    except (IndexError, ValueError):
        return _grid_step(ctx, community)
    return _code_reply(ctx, community, grid)


@router.state(EXPECT_GRID)
def typed_grid(ctx: Context, text: str) -> Reply:
    """A grid name typed by the worker."""
    community = (ctx.data.get("gbc") or {}).get("community")
    if not community:
        return choose_community(ctx)
    name = _typed_name(text)
    if name is None:
        ctx.expect = EXPECT_GRID
        return Reply(ctx.t("bind_bad_name", max=NAME_MAX), (menu_button(ctx),))
    return _code_reply(ctx, community, name)


@router.payload(BindHere)
def bind_in_private(ctx: Context, data: BindHere) -> Reply:
    """"/bind CODE" belongs in the group; in private chat it only explains."""
    return Reply(ctx.t("bind_in_group_only"), (menu_button(ctx),))


# -- turns in a group chat --------------------------------------------------------------------

def bind_here(ctx: Context, code: str, channel: str, chat_id: str, title: str) -> Reply:
    """Bind the chat this turn came from with a code the worker typed there."""
    row = peek_bind_code(ctx.session, code)
    refused = staff_gate(ctx, "group.bind", row.community if row else None)
    if refused:
        return Reply(refused.text)
    result = bind_group(ctx.session, code, ctx.resident_id, channel, chat_id, title, ctx.now)
    if result.status != "bound":
        return Reply(ctx.t(f"bind_{result.status}"))
    where = f"{result.group.community} {result.group.grid}".strip()
    return Reply(ctx.t("bind_done", where=where))


def _group_turn(dialogs: Any, incoming: Incoming, chat_id: str, title: str, code: str) -> list[Reply]:
    with dialogs.db.session() as session:
        if incoming.update_key and not claim_update(session, incoming.channel, incoming.update_key):
            return []
        account, _ = get_or_create_account(session, incoming.channel, incoming.user_id,
                                           incoming.display_name)
        ctx = Context(session=session, settings=dialogs.settings, account=Account.of(account),
                      now=dialogs.clock.now(), services=dialogs.services)
        log.info("group bind by %s in %s", actor_name(ctx), chat_id)
        return [bind_here(ctx, code, incoming.channel, chat_id, title)]


def handle_in_group(dialogs: Any, incoming: Incoming) -> Turn:
    """A command typed in a group (extra holds chat_title): bind here, or the usual turn in the group's state."""
    text = clean_text(incoming.text)
    payload = dialogs.routes.argument_payload(text) or dialogs.routes.keyword_payload(text) or ""
    verb, _, arg = payload.partition(":")
    lang = dialogs.settings.general.language
    if not arg and (text.split(maxsplit=1) or [""])[0].split("@", 1)[0].lower() == "/bind":
        return Turn([Reply(t("bind_how", lang))])
    chat_id = "" if incoming.in_private else incoming.chat_id
    if verb == BindHere.prefix and arg and chat_id:
        try:
            return Turn(_group_turn(dialogs, incoming, chat_id,
                                    str(incoming.extra.get("chat_title") or ""), arg))
        except Exception:
            if are_retried():
                raise
            log.exception("group bind failed channel=%s", incoming.channel)
            return Turn([Reply(t("busy", lang))])
    if verb in PRIVATE_ONLY:
        return Turn([Reply(t("group_private_only", lang))])
    return dialogs.take_turn(incoming)


def _membership(dialogs: Any, change, *args: Any, update_key: str = "", channel: str = "") -> Any:
    with dialogs.db.session() as session:
        if update_key and not claim_update(session, channel, update_key):
            return None
        return change(session, *args, dialogs.clock.now())


def bot_joined_group(dialogs: Any, channel: str, chat_id: str, title: str,
                     update_key: str = "") -> list[Reply]:
    """The bot was added to a group: remember it and ask a grid worker to bind it."""
    found = _membership(dialogs, group_joined, channel, chat_id, title,
                        update_key=update_key, channel=channel)
    if found is None:
        return []
    return [Reply(t("group_hello", dialogs.settings.general.language))]


def bot_left_group(dialogs: Any, channel: str, chat_id: str, update_key: str = "") -> None:
    """The bot was removed from a group (or the group is gone): no notices go there any more."""
    _membership(dialogs, group_left, channel, chat_id, update_key=update_key, channel=channel)
