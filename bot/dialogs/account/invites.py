"""邀请码: a person takes the staff role a one-time code carries."""
from __future__ import annotations

from bot.dialogs.callback import Callback
from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.router import Router
from bot.messages import Reply
from store.roles import redeem_invite


class Invite(Callback, prefix="invite"):
    code: str | None = None


router = Router("account.invites")
router.keywords({"邀请码", "/invite"}, Invite, argument=True)


@router.payload(Invite)
def take_invite(ctx: Context, data: Invite) -> Reply:
    """"邀请码 ABCD2345": take the role the code carries."""
    if not data.code:
        return Reply(ctx.t("invite_how"), (menu_button(ctx),))
    result = redeem_invite(ctx.session, data.code, ctx.resident_id, ctx.now)
    if result.status in ("granted", "already"):
        role = ctx.t(f"role_{result.role}")
        where = result.community or ctx.t("everywhere")
        return Reply(ctx.t("invite_granted", role=role, community=where), (menu_button(ctx),))
    return Reply(ctx.t(f"invite_{result.status}"), (menu_button(ctx),))
