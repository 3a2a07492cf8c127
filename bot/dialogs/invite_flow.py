"""邀请码: a person takes the staff role a one-time code carries."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.legacy import on_payload
from bot.dialogs.menus import menu_button
from bot.messages import Reply
from store.roles import redeem_invite


@on_payload("invite")
def take_invite(ctx: Context, args: list[str]) -> Reply:
    """"邀请码 ABCD2345": take the role the code carries."""
    if not args or not args[0]:
        return Reply(ctx.t("invite_how"), (menu_button(ctx),))
    result = redeem_invite(ctx.session, args[0], ctx.resident_id, ctx.now)
    if result.status in ("granted", "already"):
        role = ctx.t(f"role_{result.role}")
        where = result.community or ctx.t("everywhere")
        return Reply(ctx.t("invite_granted", role=role, community=where), (menu_button(ctx),))
    return Reply(ctx.t(f"invite_{result.status}"), (menu_button(ctx),))
