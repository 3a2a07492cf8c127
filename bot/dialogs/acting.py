"""代办: a chat acting for another person. Staff (grid staff, organizers) or a linked relative enter it;
while it lasts `ctx.resident_id` is the person acted for and `ctx.actor_id` the one typing, only the
steps declared `on_behalf` run, every reply carries the banner, and each action is audited, marked
on its record and pushed to the person."""
from __future__ import annotations

from typing import Any

from bot.dialogs.context import ACTING_KEY, Context
from bot.messages import Choice, Reply
from store.family import live_link
from store.models import Resident
from store.models.staff import GRID_STAFF, ORGANIZER
from store.outbox import enqueue
from store.proxy import has_channel, mark_proxy
from store.roles import audit, has_role

STAFF, FAMILY = "staff", "family"
STOP = "pxx"  # the button that ends 代办 (answered by the proxy feature)


def may_act(ctx: Context, how: str, person_id: int) -> bool:
    """True when the one typing may act for the person: staff by role, a relative by a live link."""
    if how == STAFF:
        return any(has_role(ctx.session, ctx.actor_id, role) for role in (GRID_STAFF, ORGANIZER))
    return how == FAMILY and live_link(ctx.session, person_id, ctx.actor_id) is not None


def in_group(ctx: Context) -> Reply | None:
    """代办 only in one's own chat with the bot: a group would see the person's sign-ups."""
    return Reply(ctx.t("proxy_private_only"), (Choice(ctx.t("btn_menu"), "menu"),)) if not ctx.private else None


def start_acting(ctx: Context, person: Resident, how: str) -> None:
    """Enter 代办 for the person in this chat."""
    ctx.data[ACTING_KEY] = {"id": person.id, "name": person.display_name, "how": how}
    audit(ctx.session, "proxy.start", actor_resident_id=ctx.actor_id, target=f"resident:{person.id}",
          detail={"how": how}, now=ctx.now)


def stop_acting(ctx: Context) -> dict[str, Any] | None:
    """Leave 代办; returns what it was."""
    acting = ctx.acting
    ctx.data.pop(ACTING_KEY, None)
    return acting


def lapse_if_not_allowed(ctx: Context) -> bool:
    """At the start of a turn: end 代办 when the role or the family link is gone; True when it ended."""
    acting = ctx.acting
    if acting is None:
        ctx.data.pop(ACTING_KEY, None)
        return False
    person = ctx.session.get(Resident, int(acting["id"]))
    if person is not None and person.erased_at is None and may_act(ctx, acting.get("how", ""), person.id):
        return False
    stop_acting(ctx)
    return True


def stop_choice(ctx: Context) -> Choice:
    """退出代办."""
    return Choice(ctx.t("btn_proxy_stop"), STOP)


def banner(ctx: Context) -> str:
    """正在为XX代办, on top of every reply while it lasts."""
    return ctx.t("proxy_banner", name=(ctx.acting or {}).get("name", ""))


def with_banner(ctx: Context, replies: list[Reply]) -> list[Reply]:
    """The turn's replies, each headed by the banner while 代办 lasts."""
    if ctx.acting is None:
        return replies
    top = banner(ctx)
    return [Reply(f"{top}\n{r.text}", r.choices, r.picture, r.file) for r in replies]


def not_on_behalf(ctx: Context) -> Reply:
    """A step that cannot be done for someone else, while 代办 lasts."""
    return Reply(ctx.t("proxy_not_here"), (Choice(ctx.t("btn_menu"), "menu"), stop_choice(ctx)))


def acted(ctx: Context, action: str, target: str, what: str, record: Any = None) -> None:
    """After an action in 代办: mark its record, audit it with the one who did it, and tell the person
    (through the outbox, where they have a chat account). Nothing when the turn acts for oneself.

    record is the place, leave or booking, or a function that loads it: called only in 代办, so a
    turn acting for oneself reads nothing more."""
    acting = ctx.acting
    if acting is None:
        return
    if callable(record):
        record = record()
    if record is not None:
        mark_proxy(ctx.session, record, ctx.actor_id)
    audit(ctx.session, f"proxy.{action}", actor_resident_id=ctx.actor_id,
          actor=f"{ctx.channel}:{ctx.account.external_id}", target=target,
          detail={"for": ctx.resident_id, "how": acting.get("how", "")}, now=ctx.now)
    if not has_channel(ctx.session, ctx.resident_id):
        return
    who = ctx.t("proxy_who_staff" if acting.get("how") == STAFF else "proxy_who_family",
                name=_name(ctx, ctx.actor_id))
    text = ctx.t("proxy_done_push", who=who, what=what)
    enqueue(ctx.session, idem_key=f"proxy:{action}:{target}:{ctx.resident_id}:{ctx.now.isoformat()}",
            kind="proxy", payload=Reply(text, (Choice(ctx.t("btn_my"), "my"),)).to_dict(), due_at=ctx.now,
            resident_id=ctx.resident_id)


def _name(ctx: Context, resident_id: int) -> str:
    person = ctx.session.get(Resident, resident_id)
    return (person.display_name if person else "") or ctx.t("resident_n", id=resident_id)
