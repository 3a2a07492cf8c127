"""通知记录: a worker's recent notices with sent / failed / waiting counts, one notice per group
with the reason of every failure, and cancelling a notice before it goes."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.notices.callbacks import AskCancel, CancelNotice, Compose, Notices, OpenNotice
from bot.dialogs.notices.format import local_time_text, target_label
from bot.dialogs.notices.groups import staff
from bot.dialogs.router import Load, Router
from bot.messages import Choice, Reply
from store.models import Notice
from store.models.notices import CANCELLED
from store.models.staff import ORGANIZER
from store.notices import (AWAITING_CONFIRMATION, DELIVERED, FAILED_FOR_GOOD, STOPPED, WAITING, cancel_notice,
                           delivery_report, Target, recent_notices)
from store.roles import has_role

LISTED = 8
PREVIEW_CHARS = 14
ERROR_SHOWN = 80
# Raw errors (Telegram, WeCom, the outbox) → the plain reason a worker reads.
REASONS = (("kicked", "reason_removed"), ("not a member", "reason_removed"),
           ("chat not found", "reason_gone"), ("86003", "reason_gone"),
           ("blocked", "reason_blocked"), ("no reachable account", "reason_inactive"),
           ("gave up", "reason_gave_up"))

router = Router("notices.report")
router.keywords({"/notices", "通知记录"}, Notices)


def failure_reason(ctx: Context, error: str) -> str:
    """A short reason in Chinese, with the channel's own words after it."""
    lowered = (error or "").lower()
    key = next((key for needle, key in REASONS if needle in lowered), "reason_other")
    raw = (error or "").removeprefix("unreachable: ")[:ERROR_SHOWN]
    return ctx.t(key) + (f"（{raw}）" if raw else "")


def _where(ctx: Context, notice: Notice) -> str:
    return target_label(ctx, Target(notice.target_kind, notice.community, notice.grid))


def _short(text: str) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= PREVIEW_CHARS else line[:PREVIEW_CHARS] + "…"


def _may_see(ctx: Context, notice: Notice) -> bool:
    if notice.author_id == ctx.resident_id:
        return True
    return has_role(ctx.session, ctx.resident_id, ORGANIZER, notice.community or None)


def _new_button(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_notice_new"), Compose().pack())


def _list_button(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_notices"), Notices().pack())


@router.payload(Notices, role=staff("notice.list"))
def list_notices(ctx: Context, data: Notices) -> Reply:
    """/notices: the latest notices with how many groups got them."""
    found = recent_notices(ctx.session, ctx.resident_id, LISTED)
    if not found:
        return Reply(ctx.t("notices_empty"), (_new_button(ctx), menu_button(ctx)))
    lines, choices = [ctx.t("notices_title")], []
    for n, (notice, counts) in enumerate(found, 1):
        state = ctx.t("notice_state_cancelled") if notice.status == CANCELLED else _counts(ctx, counts)
        lines.append(ctx.t("notices_line", n=n, when=local_time_text(ctx, notice.send_at),
                           where=_where(ctx, notice), text=_short(notice.text), state=state))
        choices.append(Choice(ctx.t("btn_notice_open", n=n, where=_where(ctx, notice)), OpenNotice(notice.id).pack()))
    choices += [_new_button(ctx), menu_button(ctx)]
    return Reply("\n".join(lines), tuple(choices))


def _visible_notice(ctx: Context, data: OpenNotice | AskCancel | CancelNotice) -> Notice | None:
    notice = ctx.session.get(Notice, data.notice)
    return notice if notice is not None and _may_see(ctx, notice) else None


# A notice the person may not see reads as missing, exactly like one that does not exist.
NOTICE = Load(_visible_notice,
              missing=lambda ctx: Reply(ctx.t("notice_missing"), (_list_button(ctx), menu_button(ctx))))


def _counts(ctx: Context, counts) -> str:
    text = ctx.t("notice_counts", sent=counts[DELIVERED], failed=counts[FAILED_FOR_GOOD], waiting=counts[WAITING])
    if counts[AWAITING_CONFIRMATION]:
        text += "，" + ctx.t("cgroup_unconfirmed_count", n=counts[AWAITING_CONFIRMATION])
    return text


def _customer_line(ctx: Context, delivery, name: str) -> str:
    # A customer group is reached only once its owner confirms the 群发 task in WeCom.
    if delivery.outcome == DELIVERED:
        return ctx.t("cgroup_sent", name=name, when=local_time_text(ctx, delivery.sent_at))
    if delivery.outcome == FAILED_FOR_GOOD:
        # No error of ours: the task was made and WeCom reports this group not sent.
        reason = failure_reason(ctx, delivery.error) if delivery.error else ctx.t("reason_not_sent")
        return ctx.t("cgroup_failed", name=name, reason=reason)
    if delivery.outcome == STOPPED:
        return ctx.t("cgroup_cancelled", name=name)
    return ctx.t("cgroup_unconfirmed", name=name)


def _delivery_line(ctx: Context, delivery) -> str:
    name = delivery.group.title or ctx.t("group_untitled")
    if delivery.customer:
        return _customer_line(ctx, delivery, name)
    if delivery.outcome == DELIVERED:
        return ctx.t("delivery_sent", name=name, when=local_time_text(ctx, delivery.sent_at))
    if delivery.outcome == FAILED_FOR_GOOD:
        return ctx.t("delivery_failed", name=name, reason=failure_reason(ctx, delivery.error))
    if delivery.outcome == STOPPED:
        return ctx.t("delivery_cancelled", name=name)
    if delivery.error:
        return ctx.t("delivery_retrying", name=name, reason=failure_reason(ctx, delivery.error))
    return ctx.t("delivery_waiting", name=name, when=local_time_text(ctx, delivery.due_at))


@router.payload(OpenNotice, role=staff("notice.report"), load=NOTICE)
def open_notice(ctx: Context, data: OpenNotice, found: Notice) -> Reply:
    """One notice: what it said, and per group whether it arrived (and why not)."""
    report = delivery_report(ctx.session, found.id)
    notice = report.notice
    lines = [ctx.t("notice_report_head", where=_where(ctx, notice), when=local_time_text(ctx, notice.send_at),
                   state=ctx.t(f"notice_status_{notice.status}"), text=_short(notice.text)),
             _counts(ctx, report.counts)]
    groups = [d for d in report.deliveries if d.group is not None]
    lines += [_delivery_line(ctx, d) for d in groups] or [ctx.t("notice_no_groups")]
    private = [d for d in report.deliveries if d.group is None]
    if private:
        lines.append(ctx.t("notice_private_line", total=len(private),
                           sent=sum(d.outcome == DELIVERED for d in private),
                           failed=sum(d.outcome == FAILED_FOR_GOOD for d in private)))
    choices = [Choice(ctx.t("btn_notice_cancel"), AskCancel(notice.id).pack())] if report.cancellable else []
    choices += [_list_button(ctx), menu_button(ctx)]
    return Reply("\n".join(lines), tuple(choices))


@router.payload(AskCancel, role=staff("notice.cancel"), load=NOTICE)
def ask_cancel(ctx: Context, data: AskCancel, found: Notice) -> Reply:
    """Ask before cancelling: what has gone cannot be called back."""
    return Reply(ctx.t("notice_cancel_ask", where=_where(ctx, found), text=_short(found.text)),
                 (Choice(ctx.t("btn_notice_cancel_yes"), CancelNotice(found.id).pack()),
                  Choice(ctx.t("btn_notice_cancel_no"), OpenNotice(found.id).pack())))


@router.payload(CancelNotice, role=staff("notice.cancel"), load=NOTICE)
def cancel(ctx: Context, data: CancelNotice, found: Notice) -> Reply:
    """Cancel: rows not yet gone are stopped; those already delivered stay delivered."""
    stopped = cancel_notice(ctx.session, found.id, ctx.resident_id, ctx.now)
    after = (Choice(ctx.t("btn_notice_report"), OpenNotice(found.id).pack()), _list_button(ctx), menu_button(ctx))
    if stopped is None:
        return Reply(ctx.t("notice_cancel_late"), after)
    return Reply(ctx.t("notice_cancelled", n=stopped), after)
