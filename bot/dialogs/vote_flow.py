"""投票 for residents: the running votes, one vote's page, casting a ballot and the results."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import menu_button
from bot.messages import Choice, Reply
from bot.dialogs.legacy import add_menu_item, on_payload
from bot.report.votes import results_lines
from store.models import Vote
from store.models.votes import DAILY
from store.votes import (ENDED, UPCOMING, ballot_of, cast_ballot, ended_votes, next_allowed, open_votes,
                         options_of, phase, results_visible, vote_counts)

add_menu_item(6, "btn_votes", "votes", where="more")

RECENT = timedelta(days=30)  # ended votes stay listed this long, for their results


def local_time(ctx: Context, when: datetime) -> str:
    """'12月8日 20:00' in the configured zone."""
    local = to_local(when, ctx.tz)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def next_text(ctx: Context, vote: Vote) -> str:
    """When the resident may vote again, or that the vote ends before that."""
    nxt = next_allowed(vote, ctx.now, ctx.tz)
    if nxt is None:
        return ctx.t("vote_no_next", closes=local_time(ctx, vote.closes_at))
    tomorrow = to_local(ctx.now, ctx.tz).date() + timedelta(days=1)
    when = ctx.t("vote_next_tomorrow") if to_local(nxt, ctx.tz).date() == tomorrow else local_time(ctx, nxt)
    return ctx.t("vote_next", when=when)


def _vote(ctx: Context, args: list[str]) -> Vote | None:
    return ctx.session.get(Vote, int(args[0])) if args and args[0].isdigit() else None


def _missing(ctx: Context) -> Reply:
    return Reply(ctx.t("vote_missing"), (Choice(ctx.t("btn_votes"), "votes"), menu_button(ctx)))


def _after(ctx: Context, vote: Vote) -> tuple[Choice, ...]:
    choices = []
    if results_visible(vote, ctx.now):
        choices.append(Choice(ctx.t("btn_vote_results"), f"vr:{vote.id}"))
    return tuple(choices) + (Choice(ctx.t("btn_votes"), "votes"), menu_button(ctx))


def results_text(ctx: Context, vote: Vote) -> str:
    """The counts when they may be shown, else when they will be."""
    if not results_visible(vote, ctx.now):
        return ctx.t("vote_results_hidden", closes=local_time(ctx, vote.closes_at))
    head = ctx.t("vote_results_final" if phase(vote, ctx.now) == ENDED else "vote_results_now")
    return f"{head}\n{results_lines(vote_counts(ctx.session, vote.id))}"


@on_payload("votes")
def list_votes(ctx: Context, args: list[str]) -> Reply:
    """The votes running now, and those ended lately (for their results)."""
    running = open_votes(ctx.session, ctx.now)
    ended = ended_votes(ctx.session, ctx.now, since=ctx.now - RECENT)
    choices = [Choice(v.title, f"vote:{v.id}") for v in running]
    choices += [Choice(ctx.t("votes_ended_label", title=v.title), f"vote:{v.id}") for v in ended[:5]]
    text = ctx.t("votes_title") if running else ctx.t("votes_none")
    return Reply(text, tuple(choices) + (menu_button(ctx),))


@on_payload("vote")
def show_vote(ctx: Context, args: list[str]) -> Reply:
    """One vote: its times and rule, what the resident already did, and the options to pick."""
    vote = _vote(ctx, args)
    if vote is None:
        return _missing(ctx)
    rule = ctx.t("vote_rule_daily" if vote.rule == DAILY else "vote_rule_once")
    head = ctx.t("vote_head", title=vote.title, opens=local_time(ctx, vote.opens_at),
                 closes=local_time(ctx, vote.closes_at), rule=rule)
    state = phase(vote, ctx.now)
    if state == UPCOMING:
        return Reply(f"{head}\n\n{ctx.t('vote_upcoming', opens=local_time(ctx, vote.opens_at))}",
                     (Choice(ctx.t("btn_votes"), "votes"), menu_button(ctx)))
    if state == ENDED:
        ended = ctx.t("vote_ended", closes=local_time(ctx, vote.closes_at))
        text = f"{head}\n\n{ended}\n{results_text(ctx, vote)}"
        return Reply(text, (Choice(ctx.t("btn_votes"), "votes"), menu_button(ctx)))
    mine = ballot_of(ctx.session, vote, ctx.resident_id, ctx.now, ctx.tz)
    if mine is not None:
        label = next((o.label for o in options_of(ctx.session, vote.id) if o.id == mine.option_id), "")
        note = (ctx.t("vote_done_today", label=label, next=next_text(ctx, vote)) if vote.rule == DAILY
                else ctx.t("vote_done_once", label=label))
        return Reply(f"{head}\n\n{note}", _after(ctx, vote))
    options = tuple(Choice(o.label, f"vb:{vote.id}:{o.id}") for o in options_of(ctx.session, vote.id))
    return Reply(f"{head}\n\n{ctx.t('vote_pick')}", options + (menu_button(ctx),))


@on_payload("vb")
def cast(ctx: Context, args: list[str]) -> Reply:
    """Cast a ballot; the database refuses a second one the same day."""
    vote = _vote(ctx, args)
    if vote is None:
        return _missing(ctx)
    option_id = int(args[1]) if len(args) > 1 and args[1].isdigit() else 0
    result = cast_ballot(ctx.session, vote.id, option_id, ctx.resident_id, ctx.now, ctx.tz)
    if result.status == "recorded":
        nxt = next_text(ctx, vote) if vote.rule == DAILY else ""
        text = ctx.t("vote_recorded", label=result.label, next=nxt)
        if results_visible(vote, ctx.now):
            text = f"{text.rstrip()}\n\n{results_text(ctx, vote)}"
        return Reply(text.rstrip(), (Choice(ctx.t("btn_votes"), "votes"), menu_button(ctx)))
    if result.status == "already":
        key = "vote_already_today" if vote.rule == DAILY else "vote_already_once"
        return Reply(ctx.t(key, label=result.label, next=next_text(ctx, vote)), _after(ctx, vote))
    if result.status == "bad_option":
        page = show_vote(ctx, [str(vote.id)])
        return Reply(f"{ctx.t('vote_bad_option')}\n\n{page.text}", page.choices)
    if result.status == "not_open":
        return Reply(ctx.t("vote_upcoming", opens=local_time(ctx, vote.opens_at)), _after(ctx, vote))
    return Reply(ctx.t("vote_closed"), _after(ctx, vote))


@on_payload("vr")
def show_results(ctx: Context, args: list[str]) -> Reply:
    """The counts, when the vote lets residents see them now."""
    vote = _vote(ctx, args)
    if vote is None:
        return _missing(ctx)
    return Reply(f"【{vote.title}】\n{results_text(ctx, vote)}",
                 (Choice(ctx.t("btn_votes"), "votes"), menu_button(ctx)))
