"""The one gate every staff action passes: the role comes from the store, never from what is typed."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.messages import Reply
from bot.dialogs.router import on_payload
from store.roles import audit, has_role, redeem_invite


def actor_name(ctx: Context) -> str:
    """How the audit log names the person behind this turn."""
    return f"{ctx.channel}:{ctx.account.external_id}"


def refuse_unless(ctx: Context, role: str, action: str, community: str | None = None) -> Reply | None:
    """None when the resident holds the role; otherwise a polite refusal, audited."""
    if has_role(ctx.session, ctx.resident_id, role, community):
        return None
    audit(ctx.session, "refused", actor_resident_id=ctx.resident_id, actor=actor_name(ctx),
          target=action, detail={"needs": role, "community": community or ""}, now=ctx.now)
    return Reply(ctx.t("staff_only"), (menu_button(ctx),))


def record_staff_action(ctx: Context, action: str, target: str, **detail: object) -> None:
    """Write a staff action to the audit log."""
    audit(ctx.session, action, actor_resident_id=ctx.resident_id, actor=actor_name(ctx),
          target=target, detail=detail, now=ctx.now)


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
