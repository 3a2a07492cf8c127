"""Prize draws among a vote's voters: seeded, recorded in the audit log, and checkable afterwards.

The candidates are the residents who cast a ballot, sorted by id, so the same seed over the same
candidates always picks the same winners. The seed, the number of candidates, a digest of their
list and the winners go to the audit log.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from store.models import AuditEntry
from store.models.votes import Vote
from store.roles import audit
from store.votes import voters

ACTION = "vote.draw"
MAX_WINNERS = 100
_SEED = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class DrawError(ValueError):
    """A draw that cannot be made: code is not_found, not_ended, bad_count, bad_seed or too_few."""

    def __init__(self, code: str, **values: object):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class Draw:
    """One draw: who could win, who won, and the seed that decided it."""

    vote_id: int
    seed: str
    candidates: list[int]
    winners: list[int]

    @property
    def digest(self) -> str:
        """A short fingerprint of the candidate list."""
        return candidates_digest(self.candidates)


@dataclass(frozen=True)
class DrawCheck:
    """A draw run again: status is match, differs or not_recorded."""

    status: str
    draw: Draw
    recorded_winners: list[int] = field(default_factory=list)
    candidates_changed: bool = False


def candidates_digest(candidates: list[int]) -> str:
    """The first 16 hex digits of the SHA-256 of the sorted candidate ids."""
    text = ",".join(str(c) for c in sorted(candidates))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


def pick_winners(candidates: list[int], count: int, seed: str) -> list[int]:
    """count distinct winners, in the order drawn, from the sorted candidates."""
    return random.Random(seed).sample(sorted(set(candidates)), count)


def new_seed() -> str:
    """A fresh unpredictable seed."""
    return secrets.token_hex(8)


def prepare_draw(session: Session, vote_id: int, count: int, seed: str | None, now: datetime) -> Draw:
    """The draw a seed gives over the current voters; raises DrawError when it cannot be made."""
    vote = session.get(Vote, vote_id)
    if vote is None:
        raise DrawError("not_found")
    if now < vote.closes_at:
        raise DrawError("not_ended")
    if not 1 <= count <= MAX_WINNERS:
        raise DrawError("bad_count", max=MAX_WINNERS)
    seed = new_seed() if seed is None else seed
    if not _SEED.match(seed):
        raise DrawError("bad_seed")
    candidates = voters(session, vote_id)
    if len(candidates) < count:
        raise DrawError("too_few", candidates=len(candidates), count=count)
    return Draw(vote_id, seed, candidates, pick_winners(candidates, count, seed))


def run_draw(session: Session, vote_id: int, count: int, *, seed: str | None = None, now: datetime,
             actor: str = "", actor_resident_id: int | None = None) -> Draw:
    """Draw count winners among the voters and record the draw in the audit log."""
    draw = prepare_draw(session, vote_id, count, seed, now)
    audit(session, ACTION, actor_resident_id=actor_resident_id, actor=actor, target=f"vote:{vote_id}",
          detail={"seed": draw.seed, "winners": draw.winners, "candidates": len(draw.candidates),
                  "digest": draw.digest, "count": count}, now=now)
    return draw


def recorded_draws(session: Session, vote_id: int) -> list[dict]:
    """Draws of a vote as the audit log keeps them, the oldest first."""
    rows = session.exec(select(AuditEntry).where(AuditEntry.action == ACTION,
                                                 AuditEntry.target == f"vote:{vote_id}")
                        .order_by(AuditEntry.created_at, AuditEntry.id))
    out = []
    for row in rows:
        try:
            detail = json.loads(row.detail)
        except ValueError:
            continue
        if isinstance(detail, dict):
            out.append({**detail, "at": row.created_at, "actor": row.actor})
    return out


def check_draw(session: Session, vote_id: int, count: int, seed: str, now: datetime) -> DrawCheck:
    """Run a draw again from its seed and compare with the one recorded with that seed."""
    draw = prepare_draw(session, vote_id, count, seed, now)
    matching = [d for d in recorded_draws(session, vote_id) if d.get("seed") == seed]
    if not matching:
        return DrawCheck("not_recorded", draw)
    recorded = matching[-1]
    winners = [int(w) for w in recorded.get("winners", [])]
    changed = recorded.get("digest") != draw.digest
    return DrawCheck("match" if winners == draw.winners else "differs", draw, winners, changed)
