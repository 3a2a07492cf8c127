"""/newvote: an organizer creates a vote step by step, each step checked, with a preview to confirm."""
from __future__ import annotations

import re
from datetime import datetime

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.router import Router
from bot.dialogs.staff_access import actor_name, record_staff_action
from bot.dialogs.votes.callbacks import CancelVote, ConfirmVote, NewVote, PickResults, PickRule, Votes
from bot.dialogs.votes.vote import local_time
from bot.messages import Choice, Reply
from store.models.staff import ORGANIZER
from store.models.votes import AFTER_CLOSE, DAILY, LIVE, ONCE, TITLE_LIMIT
from store.vote_setup import (MAX_OPTIONS, MIN_OPTIONS, VoteInvalid, check_options, check_times,
                              create_vote, option_from_line, parse_local_time)

DRAFT = "nv"
EXPECT_TITLE, EXPECT_OPTIONS, EXPECT_OPENS, EXPECT_CLOSES = "nv_title", "nv_options", "nv_opens", "nv_closes"
router = Router("votes.admin")
router.keywords({"/newvote", "发起投票"}, NewVote)
_NUMBERED = re.compile(r"^\s*\d{1,2}\s*[.、)）:：]\s*")  # "1. 书法班" → "书法班"


def _cancel_choice(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_nv_cancel"), CancelVote().pack())


def _ask(ctx: Context, expect: str, key: str, intro: str = "", **values: object) -> Reply:
    ctx.expect = expect
    text = ctx.t(key, **values)
    return Reply(f"{intro}\n{text}".strip(), (_cancel_choice(ctx),))


def _problems(ctx: Context, problems: list[tuple[str, dict]]) -> str:
    return "\n".join(ctx.t(key, **values) for key, values in problems)


def _draft(ctx: Context) -> dict | None:
    draft = ctx.data.get(DRAFT)
    return draft if isinstance(draft, dict) else None


def _expired(ctx: Context) -> Reply:
    ctx.data.pop(DRAFT, None)
    return Reply(ctx.t("nv_expired"), (menu_button(ctx),))


@router.payload(NewVote, role=ORGANIZER, action="vote.create")
def start_vote(ctx: Context, data: NewVote) -> Reply:
    """/newvote: step 1, the title."""
    ctx.data[DRAFT] = {}
    return _ask(ctx, EXPECT_TITLE, "nv_title_ask")


@router.state(EXPECT_TITLE)
def typed_title(ctx: Context, text: str) -> Reply:
    """Step 2: the options, one a line."""
    draft = _draft(ctx)
    if draft is None:
        return _expired(ctx)
    title = " ".join(text.split())
    if not title or len(title) > TITLE_LIMIT:
        key = "vote_bad_title_empty" if not title else "vote_bad_title_long"
        return _ask(ctx, EXPECT_TITLE, "nv_title_ask", ctx.t(key, limit=TITLE_LIMIT))
    draft["title"] = title
    return _ask(ctx, EXPECT_OPTIONS, "nv_options_ask", min=MIN_OPTIONS, max=MAX_OPTIONS)


@router.state(EXPECT_OPTIONS)
def typed_options(ctx: Context, text: str) -> Reply:
    """Step 3: when it opens."""
    draft = _draft(ctx)
    if draft is None:
        return _expired(ctx)
    lines = [_NUMBERED.sub("", line).strip() for line in text.splitlines()]
    options = [option_from_line(ctx.session, line) for line in lines if line]
    problems = check_options([label for label, _ in options])
    if problems:
        return _ask(ctx, EXPECT_OPTIONS, "nv_options_ask", _problems(ctx, problems),
                    min=MIN_OPTIONS, max=MAX_OPTIONS)
    draft["options"] = [list(option) for option in options]
    return _ask(ctx, EXPECT_OPENS, "nv_opens_ask")


@router.state(EXPECT_OPENS)
def typed_opens(ctx: Context, text: str) -> Reply:
    """Step 4: when it closes."""
    draft = _draft(ctx)
    if draft is None:
        return _expired(ctx)
    opens = parse_local_time(text, ctx.now, ctx.tz)
    if opens is None:
        return _ask(ctx, EXPECT_OPENS, "nv_opens_ask", ctx.t("nv_bad_when"))
    draft["opens"] = max(opens, ctx.now).isoformat()
    return _ask(ctx, EXPECT_CLOSES, "nv_closes_ask")


@router.state(EXPECT_CLOSES)
def typed_closes(ctx: Context, text: str) -> Reply:
    """Step 5: the rule."""
    draft = _draft(ctx)
    if draft is None or "opens" not in draft:
        return _expired(ctx)
    closes = parse_local_time(text, ctx.now, ctx.tz)
    if closes is None:
        return _ask(ctx, EXPECT_CLOSES, "nv_closes_ask", ctx.t("nv_bad_when"))
    opens = datetime.fromisoformat(draft["opens"])
    problems = check_times(opens, closes, ctx.now)
    if problems:
        return _ask(ctx, EXPECT_CLOSES, "nv_closes_ask", _problems(ctx, problems))
    draft["closes"] = closes.isoformat()
    return Reply(ctx.t("nv_rule_ask"), (Choice(ctx.t("btn_rule_daily"), PickRule(DAILY).pack()),
                                        Choice(ctx.t("btn_rule_once"), PickRule(ONCE).pack()), _cancel_choice(ctx)))


@router.payload(PickRule)
def chose_rule(ctx: Context, data: PickRule) -> Reply:
    """Step 6: when the results show."""
    draft = _draft(ctx)
    if draft is None or "closes" not in draft or data.rule not in (DAILY, ONCE):
        return _expired(ctx)
    draft["rule"] = data.rule
    return Reply(ctx.t("nv_results_ask"), (Choice(ctx.t("btn_results_live"), PickResults(LIVE).pack()),
                                           Choice(ctx.t("btn_results_after"), PickResults(AFTER_CLOSE).pack()),
                                           _cancel_choice(ctx)))


def _times(ctx: Context, draft: dict) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(draft["opens"]), datetime.fromisoformat(draft["closes"])


@router.payload(PickResults)
def chose_results(ctx: Context, data: PickResults) -> Reply:
    """The preview, to confirm or cancel."""
    draft = _draft(ctx)
    if draft is None or "rule" not in draft or data.results not in (LIVE, AFTER_CLOSE):
        return _expired(ctx)
    draft["results"] = data.results
    opens, closes = _times(ctx, draft)
    options = "\n".join(f"{n}. {label}" + (f"（{ref}）" if ref else "")
                        for n, (label, ref) in enumerate(draft["options"], 1))
    text = ctx.t("nv_preview", title=draft["title"], options=options, opens=local_time(ctx, opens),
                 closes=local_time(ctx, closes),
                 rule=ctx.t("vote_rule_daily" if draft["rule"] == DAILY else "vote_rule_once"),
                 results=ctx.t("vote_results_live" if draft["results"] == LIVE else "vote_results_after"))
    return Reply(text, (Choice(ctx.t("btn_nv_confirm"), ConfirmVote().pack()), _cancel_choice(ctx)))


@router.payload(ConfirmVote, role=ORGANIZER, action="vote.create")
def confirm_vote(ctx: Context, data: ConfirmVote) -> Reply:
    """Publish the vote, audited."""
    draft = _draft(ctx)
    if draft is None or "results" not in draft:
        return _expired(ctx)
    opens, closes = _times(ctx, draft)
    try:
        vote = create_vote(ctx.session, title=draft["title"], options=[tuple(o) for o in draft["options"]],
                           opens_at=opens, closes_at=closes, rule=draft["rule"], results=draft["results"],
                           created_by=actor_name(ctx), owner_id=ctx.resident_id, now=ctx.now)
    except VoteInvalid as bad:
        ctx.data.pop(DRAFT, None)
        return Reply(f"{_problems(ctx, bad.problems)}\n{ctx.t('nv_expired')}", (menu_button(ctx),))
    ctx.data.pop(DRAFT, None)
    record_staff_action(ctx, "vote.create", f"vote:{vote.id}", title=vote.title,
                        options=len(draft["options"]), opens_at=opens, closes_at=closes,
                        rule=vote.rule, results=vote.results)
    return Reply(ctx.t("nv_created", id=vote.id), (Choice(ctx.t("btn_votes"), Votes().pack()), menu_button(ctx)))


@router.payload(CancelVote)
def cancel_vote(ctx: Context, data: CancelVote) -> Reply:
    """Drop the draft."""
    ctx.data.pop(DRAFT, None)
    return Reply(ctx.t("nv_cancelled"), (menu_button(ctx),))
