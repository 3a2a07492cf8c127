"""The one gate every staff action passes: the role comes from the store, never from what is typed."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.messages import Reply
from store.models import Resident
from store.outbox import enqueue
from store.roles import audit, has_role, roles_of
from store.volunteers import volunteer_of


def actor_name(ctx: Context) -> str:
    """How the audit log names the person behind this turn."""
    return f"{ctx.channel}:{ctx.account.external_id}"


def record_refusal(ctx: Context, role: str, action: str, community: str | None = None,
                   unit_id: int | None = None) -> None:
    """Write a refused action to the audit log (for a screen that answers the refusal itself)."""
    detail = {"needs": role, "community": community or ""} | ({"unit_id": unit_id} if unit_id else {})
    audit(ctx.session, "refused", actor_resident_id=ctx.actor_id, actor=actor_name(ctx),
          target=action, detail=detail, now=ctx.now)


def refuse(ctx: Context, role: str, action: str, community: str | None = None,
           unit_id: int | None = None) -> Reply:
    """A polite refusal of an action that needs a role, written to the audit log."""
    record_refusal(ctx, role, action, community, unit_id)
    return Reply(ctx.t("staff_only"), (menu_button(ctx),))


def refuse_unless(ctx: Context, role: str, action: str, community: str | None = None,
                  unit_id: int | None = None) -> Reply | None:
    """None when the resident holds the role (over that community or unit); otherwise a polite
    refusal, audited."""
    if has_role(ctx.session, ctx.resident_id, role, community, unit_id):
        return None
    return refuse(ctx, role, action, community, unit_id)


@dataclass(frozen=True)
class Role:
    """A handler's guard: one of the roles (a refusal names the first), optionally held over the
    community or unit of the record the button names."""

    roles: str | tuple[str, ...]
    action: str
    community: Callable[[Any], str | None] | None = None
    unit: Callable[[Any], int | None] | None = None

    @property
    def needs(self) -> tuple[str, ...]:
        """The roles that pass, the one a refusal names first."""
        return (self.roles,) if isinstance(self.roles, str) else tuple(self.roles)

    def refusal(self, ctx: Context, record: Any) -> Reply | None:
        """None when the person holds a role (there); otherwise the audited refusal."""
        community = self.community(record) if self.community is not None and record is not None else None
        unit_id = self.unit(record) if self.unit is not None and record is not None else None
        if any(has_role(ctx.session, ctx.resident_id, role, community, unit_id) for role in self.needs):
            return None
        return refuse(ctx, self.needs[0], self.action, community, unit_id)


def is_staff(ctx: Context) -> bool:
    """True for anyone holding a role (volunteer, grid staff, organizer, admin): staff menu entries."""
    return bool(roles_of(ctx.session, ctx.resident_id))


def record_staff_action(ctx: Context, action: str, target: str, **detail: object) -> None:
    """Write a staff action to the audit log."""
    audit(ctx.session, action, actor_resident_id=ctx.actor_id, actor=actor_name(ctx),
          target=target, detail=detail, now=ctx.now)


def person_name(ctx: Context, resident_id: int) -> str:
    """The volunteer's registered name, else the chat name, else 居民 + number."""
    found = volunteer_of(ctx.session, resident_id)
    resident = ctx.session.get(Resident, resident_id)
    return (found.name if found else "") or (resident.display_name if resident else "") or \
        ctx.t("resident_n", id=resident_id)


def tell(ctx: Context, resident_id: int, idem_key: str, kind: str, reply: Reply) -> None:
    """Queue a message to a resident through the outbox, in this turn's transaction."""
    enqueue(ctx.session, idem_key=idem_key, kind=kind, payload=reply.to_dict(), due_at=ctx.now,
            resident_id=resident_id)
