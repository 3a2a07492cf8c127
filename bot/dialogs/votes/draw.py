"""/draw: a prize draw among a vote's voters, previewed, recorded with its seed, winners told."""
from __future__ import annotations

import re

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.router import Load, Router
from bot.dialogs.staff_access import actor_name
from bot.dialogs.votes.callbacks import ConfirmDraw, Draw
from bot.messages import Choice, Reply
from bot.report.votes import notify_winners
from store.draws import MAX_WINNERS, DrawError, new_seed, prepare_draw, recorded_draws, run_draw
from store.models import Resident, Vote
from store.models.staff import ORGANIZER
from store.votes import ended_votes

EXPECT_COUNT = "draw_count"

router = Router("votes.draw")
router.keywords({"/draw"}, Draw)
router.keywords({"/draw"}, Draw, argument=True)


def _draw_error(ctx: Context, error: DrawError) -> Reply:
    return Reply(ctx.t(f"draw_{error.code}", **error.values), (menu_button(ctx),))


def _ask_count(ctx: Context, vote: Vote, text: str) -> Reply:
    # Every number typed now is a number of winners, not a choice from an earlier screen.
    ctx.expect = EXPECT_COUNT
    reply = Reply(text)
    ctx.data["choices"] = [Draw(vote.id, str(n)).pack() for n in range(1, MAX_WINNERS + 1)]
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
    confirm = Choice(ctx.t("btn_draw_confirm"), ConfirmDraw(vote.id, count, draw.seed).pack())
    return Reply(ctx.t("draw_preview", title=vote.title, candidates=len(draw.candidates), count=count),
                 (confirm, menu_button(ctx)))


@router.payload(Draw, role=ORGANIZER, action="vote.draw")
def start_draw(ctx: Context, data: Draw) -> Reply:
    """/draw, /draw VOTE_ID or /draw VOTE_ID N [SEED]."""
    if data.vote is None:
        votes = ended_votes(ctx.session, ctx.now)[:10]
        if not votes:
            return Reply(ctx.t("draw_none"), (menu_button(ctx),))
        return Reply(ctx.t("draw_pick"), tuple(Choice(v.title, Draw(v.id).pack()) for v in votes)
                     + (menu_button(ctx),))
    vote = ctx.session.get(Vote, data.vote)
    if vote is None:
        return _draw_error(ctx, DrawError("not_found"))
    if data.count is None:
        try:
            draw = prepare_draw(ctx.session, vote.id, 1, None, ctx.now)
        except DrawError as error:
            return _draw_error(ctx, error)
        ask = ctx.t("draw_count_ask", title=vote.title, candidates=len(draw.candidates))
        return _ask_count(ctx, vote, ask)
    if not data.count.isdecimal():  # typed: "/draw 12 three" asks again
        return _ask_count(ctx, vote, ctx.t("draw_bad_count", max=MAX_WINNERS))
    return _draw_preview(ctx, vote, int(data.count), data.seed)


@router.state(EXPECT_COUNT)
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


@router.payload(ConfirmDraw, role=ORGANIZER, action="vote.draw", load=Load(
    lambda ctx, data: ctx.session.get(Vote, data.vote), missing=lambda ctx: _draw_error(ctx, DrawError("not_found"))))
def confirm_draw(ctx: Context, data: ConfirmDraw, vote: Vote) -> Reply:
    """Draw, record the seed and winners in the audit log, and tell the winners."""
    count, seed = data.count, data.seed
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
