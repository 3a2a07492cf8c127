"""What the buttons of votes and prize draws carry."""
from __future__ import annotations

from bot.dialogs.callback import Callback


class Votes(Callback, prefix="votes"):
    pass


class ShowVote(Callback, prefix="vote"):
    vote: int


class Cast(Callback, prefix="vb"):
    vote: int
    option: int


class Results(Callback, prefix="vr"):
    vote: int


class NewVote(Callback, prefix="newvote"):
    pass


class PickRule(Callback, prefix="nvr"):
    rule: str


class PickResults(Callback, prefix="nvs"):
    results: str


class ConfirmVote(Callback, prefix="nvy"):
    pass


class CancelVote(Callback, prefix="nvn"):
    pass


class Draw(Callback, prefix="draw"):
    """Also typed: "/draw", "/draw VOTE", "/draw VOTE N [SEED]"; a count that is no number is asked again."""

    vote: int | None = None
    count: str | None = None
    seed: str | None = None


class ConfirmDraw(Callback, prefix="drawy"):
    vote: int
    count: int
    seed: str
