"""/draw: a prize draw among a vote's voters, previewed, recorded with its seed, winners told."""
from __future__ import annotations

import re

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.messages import Choice, Reply
from bot.dialogs.legacy import on_payload, on_text
from bot.dialogs.staff_access import actor_name, refuse_unless
from bot.report.votes import notify_winners
from store.draws import MAX_WINNERS, DrawError, new_seed, prepare_draw, recorded_draws, run_draw
from store.models import Resident, Vote
from store.models.staff import ORGANIZER
from store.votes import ended_votes

EXPECT_COUNT = "draw_count"


def _draw_error(ctx: Context, error: DrawError) -> Reply:
    return Reply(ctx.t(f"draw_{error.code}", **error.values), (menu_button(ctx),))


def _ask_count(ctx: Context, vote: Vote, text: str) -> Reply:
    # Every number typed now is a number of winners, not a choice from an earlier screen.
    ctx.expect = EXPECT_COUNT
    reply = Reply(text)
    ctx.data["choices"] = [f"draw:{vote.id}:{n}" for n in range(1, MAX_WINNERS + 1)]
    ctx.data["last"] = reply.to_dict()
    ctx.data["draw_vote"] = vote.id
    return reply


def _draw_preview(ctx: Context, vote: Vote, count: int, seed: str | None) -> Reply:
    try:
        draw = prepare_draw(ctx.session, vote.id, count, seed or new_seed(), ctx.now)
    except DrawError as error:
        if error.code == "bad_count":
            return _ask_count(ctx, vote, ctx.t("draw_bad_count", max=MAX_WINNERS))
        return _draw_error(ctx, error)
    # The seed travels in the button, so pressing it twice repeats the same draw.
    confirm = Choice(ctx.t("btn_draw_confirm"), f"drawy:{vote.id}:{count}:{draw.seed}")
    return Reply(ctx.t("draw_preview", title=vote.title, candidates=len(draw.candidates), count=count),
                 (confirm, menu_button(ctx)))


@on_payload("draw")
def start_draw(ctx: Context, args: list[str]) -> Reply:
    """/draw, /draw VOTE_ID or /draw VOTE_ID N [SEED]."""
    refused = refuse_unless(ctx, ORGANIZER, "vote.draw")
    if refused:
        return refused
    if not args:
        votes = ended_votes(ctx.session, ctx.now)[:10]
        if not votes:
            return Reply(ctx.t("draw_none"), (menu_button(ctx),))
        return Reply(ctx.t("draw_pick"), tuple(Choice(v.title, f"draw:{v.id}") for v in votes)
                     + (menu_button(ctx),))
    vote = ctx.session.get(Vote, int(args[0])) if args[0].isdigit() else None
    if vote is None:
        return _draw_error(ctx, DrawError("not_found"))
    if len(args) == 1:
        try:
            draw = prepare_draw(ctx.session, vote.id, 1, None, ctx.now)
        except DrawError as error:
            return _draw_error(ctx, error)
        ask = ctx.t("draw_count_ask", title=vote.title, candidates=len(draw.candidates))
        return _ask_count(ctx, vote, ask)
    if not args[1].isdigit():
        return _ask_count(ctx, vote, ctx.t("draw_bad_count", max=MAX_WINNERS))
    return _draw_preview(ctx, vote, int(args[1]), args[2] if len(args) > 2 else None)


@on_text(EXPECT_COUNT)
def typed_count(ctx: Context, text: str) -> Reply:
    """A number of winners typed with words around it ("抽3位")."""
    vote = ctx.session.get(Vote, int(ctx.data.pop("draw_vote", 0) or 0))
    if vote is None:
        return _draw_error(ctx, DrawError("not_found"))
    digits = re.findall(r"\d+", text)
    if len(digits) != 1:
        return _ask_count(ctx, vote, ctx.t("draw_bad_count", max=MAX_WINNERS))
    return _draw_preview(ctx, vote, int(digits[0]), None)


def _winner_name(ctx: Context, resident_id: int) -> str:
    resident = ctx.session.get(Resident, resident_id)
    return (resident.display_name if resident else "") or "居民"


@on_payload("drawy")
def confirm_draw(ctx: Context, args: list[str]) -> Reply:
    """Draw, record the seed and winners in the audit log, and tell the winners."""
    refused = refuse_unless(ctx, ORGANIZER, "vote.draw")
    if refused:
        return refused
    vote = ctx.session.get(Vote, int(args[0])) if args and args[0].isdigit() else None
    if vote is None or len(args) < 3 or not args[1].isdigit():
        return _draw_error(ctx, DrawError("not_found"))
    count, seed = int(args[1]), args[2]
    done_before = any(d.get("seed") == seed and d.get("count") == count
                      for d in recorded_draws(ctx.session, vote.id))
    try:
        if done_before:  # the same button pressed again: the same draw, recorded once
            draw = prepare_draw(ctx.session, vote.id, count, seed, ctx.now)
        else:
            draw = run_draw(ctx.session, vote.id, count, seed=seed, now=ctx.now, actor=actor_name(ctx),
                            actor_resident_id=ctx.resident_id)
    except DrawError as error:
        return _draw_error(ctx, error)
    notify_winners(ctx.session, vote, draw, ctx.now)
    winners = "\n".join(ctx.t("draw_winner_line", n=n, name=_winner_name(ctx, rid), id=rid)
                        for n, rid in enumerate(draw.winners, 1))
    return Reply(ctx.t("draw_done", title=vote.title, candidates=len(draw.candidates), count=count,
                       winners=winners, seed=draw.seed, id=vote.id), (menu_button(ctx),))
