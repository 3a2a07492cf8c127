"""投票 for residents: the running votes, one vote's page, casting a ballot and the results."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import menu_button
from bot.dialogs.router import Load, Router
from bot.dialogs.votes.callbacks import Cast, Results, ShowVote, Votes
from bot.messages import Choice, Reply
from bot.report.votes import results_lines
from store.models import Vote
from store.models.votes import DAILY
from store.votes import (ENDED, UPCOMING, ballot_of, cast_ballot, ended_votes, next_allowed, open_votes,
                         options_of, phase, results_visible, vote_counts)

router = Router("votes.vote")
router.menu(6, "btn_votes", Votes)
router.keywords({"投票", "进行中的投票", "/votes", "/vote"}, Votes)
router.keywords({"投票", "/vote"}, ShowVote, argument=True)

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


def _votes_button(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_votes"), Votes().pack())


VOTE = Load(lambda ctx, data: ctx.session.get(Vote, data.vote),
            missing=lambda ctx: Reply(ctx.t("vote_missing"), (_votes_button(ctx), menu_button(ctx))))


def _after(ctx: Context, vote: Vote) -> tuple[Choice, ...]:
    choices = []
    if results_visible(vote, ctx.now):
        choices.append(Choice(ctx.t("btn_vote_results"), Results(vote.id).pack()))
    return tuple(choices) + (_votes_button(ctx), menu_button(ctx))


def results_text(ctx: Context, vote: Vote) -> str:
    """The counts when they may be shown, else when they will be."""
    if not results_visible(vote, ctx.now):
        return ctx.t("vote_results_hidden", closes=local_time(ctx, vote.closes_at))
    head = ctx.t("vote_results_final" if phase(vote, ctx.now) == ENDED else "vote_results_now")
    return f"{head}\n{results_lines(vote_counts(ctx.session, vote.id))}"


@router.payload(Votes)
def list_votes(ctx: Context, data: Votes) -> Reply:
    """The votes running now, and those ended lately (for their results)."""
    running = open_votes(ctx.session, ctx.now)
    ended = ended_votes(ctx.session, ctx.now, since=ctx.now - RECENT)
    choices = [Choice(v.title, ShowVote(v.id).pack()) for v in running]
    choices += [Choice(ctx.t("votes_ended_label", title=v.title), ShowVote(v.id).pack()) for v in ended[:5]]
    text = ctx.t("votes_title") if running else ctx.t("votes_none")
    return Reply(text, tuple(choices) + (menu_button(ctx),))


@router.payload(ShowVote, load=VOTE)
def show_vote(ctx: Context, data: ShowVote, vote: Vote) -> Reply:
    """One vote: its times and rule, what the resident already did, and the options to pick."""
    rule = ctx.t("vote_rule_daily" if vote.rule == DAILY else "vote_rule_once")
    head = ctx.t("vote_head", title=vote.title, opens=local_time(ctx, vote.opens_at),
                 closes=local_time(ctx, vote.closes_at), rule=rule)
    state = phase(vote, ctx.now)
    if state == UPCOMING:
        return Reply(f"{head}\n\n{ctx.t('vote_upcoming', opens=local_time(ctx, vote.opens_at))}",
                     (_votes_button(ctx), menu_button(ctx)))
    if state == ENDED:
        ended = ctx.t("vote_ended", closes=local_time(ctx, vote.closes_at))
        text = f"{head}\n\n{ended}\n{results_text(ctx, vote)}"
        return Reply(text, (_votes_button(ctx), menu_button(ctx)))
    mine = ballot_of(ctx.session, vote, ctx.resident_id, ctx.now, ctx.tz)
    if mine is not None:
        label = next((o.label for o in options_of(ctx.session, vote.id) if o.id == mine.option_id), "")
        note = (ctx.t("vote_done_today", label=label, next=next_text(ctx, vote)) if vote.rule == DAILY
                else ctx.t("vote_done_once", label=label))
        return Reply(f"{head}\n\n{note}", _after(ctx, vote))
    options = tuple(Choice(o.label, Cast(vote.id, o.id).pack()) for o in options_of(ctx.session, vote.id))
    return Reply(f"{head}\n\n{ctx.t('vote_pick')}", options + (menu_button(ctx),))


@router.payload(Cast, load=VOTE)
def cast(ctx: Context, data: Cast, vote: Vote) -> Reply:
    """Cast a ballot; the database refuses a second one the same day."""
    result = cast_ballot(ctx.session, vote.id, data.option, ctx.resident_id, ctx.now, ctx.tz)
    if result.status == "recorded":
        nxt = next_text(ctx, vote) if vote.rule == DAILY else ""
        text = ctx.t("vote_recorded", label=result.label, next=nxt)
        if results_visible(vote, ctx.now):
            text = f"{text.rstrip()}\n\n{results_text(ctx, vote)}"
        return Reply(text.rstrip(), (_votes_button(ctx), menu_button(ctx)))
    if result.status == "already":
        key = "vote_already_today" if vote.rule == DAILY else "vote_already_once"
        return Reply(ctx.t(key, label=result.label, next=next_text(ctx, vote)), _after(ctx, vote))
    if result.status == "bad_option":
        page = show_vote(ctx, ShowVote(vote.id), vote)
        return Reply(f"{ctx.t('vote_bad_option')}\n\n{page.text}", page.choices)
    if result.status == "not_open":
        return Reply(ctx.t("vote_upcoming", opens=local_time(ctx, vote.opens_at)), _after(ctx, vote))
    return Reply(ctx.t("vote_closed"), _after(ctx, vote))


@router.payload(Results, load=VOTE)
def show_results(ctx: Context, data: Results, vote: Vote) -> Reply:
    """The counts, when the vote lets residents see them now."""
    return Reply(f"【{vote.title}】\n{results_text(ctx, vote)}",
                 (_votes_button(ctx), menu_button(ctx)))
