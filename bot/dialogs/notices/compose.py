"""发通知: a grid worker or organizer writes a notice, picks the groups, the time and urgency,
sees exactly what residents will see, and only then sends it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import menu_button
from bot.dialogs.notices.callbacks import (Compose, Drop, Notices, OpenNotice, PickTarget, PickUrgency, PickWhen,
                                           Send, TargetsPage)
from bot.dialogs.notices.groups import refuse, staff, staff_gate, staff_reach
from bot.dialogs.notices.format import local_time_text, notice_message, target_label
from bot.dialogs.notices.times import parse_local_time
from bot.dialogs.paging import clamp_page, render_choices
from bot.dialogs.pushes.quiet_hours import next_allowed
from bot.dialogs.states import NOTICE_DRAFT
from bot.dialogs.router import Router
from bot.dialogs.text_input import clean_text
from bot.messages import Choice, Reply
from store.groups import known_communities, reachable_groups
from store.models.notices import ALL, COMMUNITY, GRID, TEXT_MAX
from store.notices import Target, create_notice, target_groups, target_subscribers

EXPECT_TEXT = "notice_text"
EXPECT_WHEN = "notice_when"
MIN_LEAD = timedelta(minutes=1)
MAX_AHEAD = timedelta(days=30)
DROP_WORDS = ("放弃", "取消", "不发了")

router = Router("notices.compose")
router.keywords({"/notice", "发通知"}, Compose)


def _draft(ctx: Context) -> dict | None:
    draft = NOTICE_DRAFT.get(ctx)
    NOTICE_DRAFT.keep(ctx)  # every step taken gives the worker the full time again
    return draft


def _expired(ctx: Context) -> Reply:
    NOTICE_DRAFT.leave(ctx)
    return Reply(ctx.t("notice_draft_gone"), (Choice(ctx.t("btn_notice_new"), Compose().pack()), menu_button(ctx)))


def _abandon(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_notice_drop"), Drop().pack())


@router.payload(Compose, role=staff("notice.compose"))
def start_notice(ctx: Context, data: Compose) -> Reply:
    """/notice, 发通知: ask for the text."""
    NOTICE_DRAFT.enter(ctx, {})
    ctx.expect = EXPECT_TEXT
    return Reply(ctx.t("notice_ask_text", max=TEXT_MAX), (_abandon(ctx), menu_button(ctx)))


@router.state(EXPECT_TEXT, max_length=TEXT_MAX)
def typed_text(ctx: Context, text: str) -> Reply:
    """The notice's words; then where it goes."""
    draft = _draft(ctx)
    if draft is None:
        return _expired(ctx)
    words = clean_text(text)
    if words in DROP_WORDS:
        return drop_notice(ctx)
    if not words or len(words) > TEXT_MAX:
        ctx.expect = EXPECT_TEXT
        return Reply(ctx.t("notice_bad_text", max=TEXT_MAX), (_abandon(ctx), menu_button(ctx)))
    draft["text"] = words
    return _targets(ctx, draft, 1)


def _options(ctx: Context) -> list[tuple[str, Target]]:
    """Every target the person may pick, each with the number of groups it reaches."""
    reach = staff_reach(ctx)
    communities = reach if reach is not None else known_communities(ctx.session)
    options: list[tuple[str, Target]] = []
    total = 0
    for community in communities:
        groups = [g for g, _ in reachable_groups(ctx.session, [community])]
        total += len(groups)
        options.append((ctx.t("notice_option_community", community=community, n=len(groups)),
                        Target(COMMUNITY, community)))
        for grid in sorted({g.grid for g in groups if g.grid}):
            count = sum(1 for g in groups if g.grid == grid)
            options.append((ctx.t("notice_option_grid", community=community, grid=grid, n=count),
                            Target(GRID, community, grid)))
    if len(communities) > 1:
        everywhere = None if reach is None else tuple(reach)
        total = len(reachable_groups(ctx.session, None)) if everywhere is None else total
        options.append((ctx.t("notice_option_all", n=total), Target(ALL, communities=everywhere)))
    return options


def _targets(ctx: Context, draft: dict, page: int) -> Reply:
    options = _options(ctx)
    draft["targets"] = [target.to_dict() for _, target in options]
    if not options:
        return Reply(ctx.t("notice_no_targets"), (_abandon(ctx), menu_button(ctx)))
    items = [Choice(label, PickTarget(i).pack()) for i, (label, _) in enumerate(options)]
    choices, note = render_choices(ctx, items, page, lambda p: TargetsPage(p).pack(), _abandon(ctx))
    return Reply(f"{ctx.t('notice_pick_target')}{note}", tuple(choices))


@router.payload(TargetsPage)
def targets_page(ctx: Context, data: TargetsPage) -> Reply:
    """Another page of targets."""
    draft = _draft(ctx)
    if draft is None or "text" not in draft:
        return _expired(ctx)
    return _targets(ctx, draft, clamp_page(data.page, 10 ** 6))


def _now_button(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_notice_now"), PickWhen("now").pack())


@router.payload(PickTarget)
def picked_target(ctx: Context, data: PickTarget) -> Reply:
    """Where it goes is set; now or later?"""
    draft = _draft(ctx)
    if draft is None or "text" not in draft:
        return _expired(ctx)
    targets = draft.get("targets") or []
    if not 0 <= data.index < len(targets):
        return _targets(ctx, draft, 1)
    draft["target"] = targets[data.index]
    return Reply(ctx.t("notice_pick_when"), (_now_button(ctx), Choice(ctx.t("btn_notice_later"), PickWhen("later").pack()),
                                             _abandon(ctx)))


def _urgency(ctx: Context) -> Reply:
    return Reply(ctx.t("notice_pick_urgency", start=ctx.settings.scheduler.quiet_start,
                       end=ctx.settings.scheduler.quiet_end),
                 (Choice(ctx.t("btn_notice_normal"), PickUrgency(0).pack()),
                  Choice(ctx.t("btn_notice_urgent"), PickUrgency(1).pack()),
                  _abandon(ctx)))


@router.payload(PickWhen)
def picked_when(ctx: Context, data: PickWhen) -> Reply:
    """Now, or ask for the time."""
    draft = _draft(ctx)
    if draft is None or "target" not in draft:
        return _expired(ctx)
    if data.when == "later":
        ctx.expect = EXPECT_WHEN
        return Reply(ctx.t("notice_ask_time"), (_now_button(ctx), _abandon(ctx)))
    draft["send_at"] = None
    return _urgency(ctx)


@router.state(EXPECT_WHEN)
def typed_when(ctx: Context, text: str) -> Reply:
    """A local time for a scheduled notice: readable, in the future, within 30 days."""
    draft = _draft(ctx)
    if draft is None or "target" not in draft:
        return _expired(ctx)
    now_local = to_local(ctx.now, ctx.tz)
    moment = parse_local_time(text, now_local)
    again = (_now_button(ctx), _abandon(ctx))
    ctx.expect = EXPECT_WHEN
    if moment is None:
        return Reply(ctx.t("notice_bad_time"), again)
    send_at = moment.astimezone(timezone.utc).replace(tzinfo=None)
    if send_at < ctx.now + MIN_LEAD:
        return Reply(ctx.t("notice_time_past", when=local_time_text(ctx, send_at)), again)
    if send_at > ctx.now + MAX_AHEAD:
        return Reply(ctx.t("notice_time_far", days=MAX_AHEAD.days), again)
    ctx.expect = ""
    draft["send_at"] = send_at.isoformat()
    return _urgency(ctx)


def _plan(ctx: Context, draft: dict) -> tuple[Target, datetime | None, bool]:
    send_at = datetime.fromisoformat(draft["send_at"]) if draft.get("send_at") else None
    return Target.from_dict(draft["target"]), send_at, bool(draft.get("urgent"))


@router.payload(PickUrgency)
def picked_urgency(ctx: Context, data: PickUrgency) -> Reply:
    """Urgent or not; then the preview."""
    draft = _draft(ctx)
    if draft is None or "send_at" not in draft:
        return _expired(ctx)
    draft["urgent"] = data.urgent == 1
    return preview(ctx, draft)


def preview(ctx: Context, draft: dict) -> Reply:
    """What residents will see, how many groups and subscribers get it, when; nothing sent yet."""
    target, send_at, urgent = _plan(ctx, draft)
    groups = len(target_groups(ctx.session, target))
    subscribers = len(target_subscribers(ctx.session, target))
    moment = send_at or ctx.now
    when = local_time_text(ctx, send_at) if send_at else ctx.t("notice_now")
    allowed = next_allowed(moment, ctx.settings, urgent)
    if allowed > moment:
        when += ctx.t("notice_quiet_note", when=local_time_text(ctx, allowed))
    text = ctx.t("notice_preview", message=notice_message(ctx, draft["text"], target, urgent),
                 target=target_label(ctx, target), groups=groups, subscribers=subscribers, when=when,
                 kind=ctx.t("notice_kind_urgent" if urgent else "notice_kind_normal"))
    edit = Choice(ctx.t("btn_notice_edit"), Compose().pack())
    if groups + subscribers == 0:
        return Reply(f"{text}\n\n{ctx.t('notice_nobody')}", (edit, _abandon(ctx)))
    return Reply(text, (Choice(ctx.t("btn_notice_send"), Send().pack()), edit, _abandon(ctx)))


# The guard comes first, so a forged press without a draft is audited too.
@router.payload(Send, role=staff("notice.send"))
def send_notice(ctx: Context, data: Send) -> Reply:
    """确认发送: queue the notice to every group and subscriber, in this turn's transaction."""
    draft = _draft(ctx)
    if draft is None or "urgent" not in draft:
        return _expired(ctx)
    target, send_at, urgent = _plan(ctx, draft)
    for community in ([target.community] if target.kind != ALL else list(target.communities or [])):
        refused = staff_gate(ctx, "notice.send", community)
        if refused:
            NOTICE_DRAFT.leave(ctx)
            return refused
    if target.kind == ALL and target.communities is None and staff_reach(ctx) is not None:
        NOTICE_DRAFT.leave(ctx)
        return refuse(ctx, "notice.send", "")
    if send_at is not None and send_at < ctx.now + MIN_LEAD:
        ctx.expect = EXPECT_WHEN
        return Reply(ctx.t("notice_time_past", when=local_time_text(ctx, send_at)),
                     (_now_button(ctx), _abandon(ctx)))
    message = notice_message(ctx, draft["text"], target, urgent)
    notice = create_notice(ctx.session, author_id=ctx.resident_id, text=draft["text"], target=target,
                           send_at=send_at or ctx.now, urgent=urgent, payload=Reply(message).to_dict(),
                           now=ctx.now)
    NOTICE_DRAFT.leave(ctx)
    when = local_time_text(ctx, send_at) if send_at else ctx.t("notice_now")
    return Reply(ctx.t("notice_queued", groups=notice.groups, subscribers=notice.subscribers, when=when),
                 (Choice(ctx.t("btn_notice_report"), OpenNotice(notice.id).pack()),
                  Choice(ctx.t("btn_notices"), Notices().pack()), menu_button(ctx)))


@router.payload(Drop)
def drop_notice(ctx: Context, data: Drop | None = None) -> Reply:
    """放弃: the draft is thrown away; nothing was sent."""
    NOTICE_DRAFT.leave(ctx)
    return Reply(ctx.t("notice_dropped"), (menu_button(ctx),))
