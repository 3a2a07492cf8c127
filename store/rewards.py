"""Rewards for points: redeeming (stock and balance in one transaction) and handing out."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from sqlmodel import Session, select

from store.clock import utcnow
from store.db import Database
from store.models import PointEntry, Redemption, Reward
from store.models.volunteers import HANDED_OUT, REQUESTED
from store.points import balance, lock_ledger

DEMO_FILE = "data/demo_rewards.toml"


@dataclass(frozen=True)
class RedeemResult:
    """What a redemption did: status is requested, no_stock, not_enough or not_found;
    balance is the resident's points afterwards."""

    status: str
    redemption: Redemption | None = None
    reward: Reward | None = None
    balance: int = 0


def active_rewards(session: Session) -> list[Reward]:
    """Rewards on offer, cheapest first (sold-out ones included, so residents see them)."""
    return list(session.exec(select(Reward).where(Reward.active == True)  # noqa: E712
                             .order_by(Reward.points, Reward.id)))


def lock_reward(session: Session, reward_id: int) -> Reward | None:
    """Load a reward fresh and hold its row lock until the transaction ends."""
    return session.exec(select(Reward).where(Reward.id == reward_id).with_for_update()
                        .execution_options(populate_existing=True)).first()


def redeem(session: Session, resident_id: int, reward_id: int,
           now: datetime | None = None) -> RedeemResult:
    """Exchange points for one reward: stock −1 and a negative ledger line, or nothing at all."""
    now = now or utcnow()
    # Always the resident first, then the reward: two redemptions never wait on each other in a circle.
    if lock_ledger(session, resident_id) is None:
        return RedeemResult("not_found")
    reward = lock_reward(session, reward_id)
    current = balance(session, resident_id)
    if reward is None or not reward.active:
        return RedeemResult("not_found", balance=current)
    if reward.stock <= 0:
        return RedeemResult("no_stock", reward=reward, balance=current)
    if current < reward.points:
        return RedeemResult("not_enough", reward=reward, balance=current)
    reward.stock -= 1
    session.add(reward)
    redemption = Redemption(reward_id=reward.id, resident_id=resident_id, points=reward.points,
                            status=REQUESTED, created_at=now)
    session.add(redemption)
    session.flush()
    session.add(PointEntry(resident_id=resident_id, points=-reward.points, reason=reward.name,
                           source=f"redeem:{redemption.id}", created_by=f"resident:{resident_id}",
                           created_at=now))
    session.flush()
    return RedeemResult(REQUESTED, redemption, reward, current - reward.points)


def waiting_redemptions(session: Session) -> list[tuple[Redemption, Reward]]:
    """Redemptions still to hand out, oldest first, with their rewards."""
    return list(session.exec(
        select(Redemption, Reward).join(Reward, Reward.id == Redemption.reward_id)
        .where(Redemption.status == REQUESTED).order_by(Redemption.created_at, Redemption.id)))


def hand_out(session: Session, redemption_id: int, by: str, now: datetime) -> tuple[str, Redemption | None]:
    """Mark a redemption handed out: ('done' | 'already' | 'not_found', the redemption)."""
    found = session.exec(select(Redemption).where(Redemption.id == redemption_id).with_for_update()
                         .execution_options(populate_existing=True)).first()
    if found is None:
        return "not_found", None
    if found.status == HANDED_OUT:
        return "already", found
    found.status, found.handed_out_by, found.handed_out_at = HANDED_OUT, by[:100], now
    session.add(found)
    return "done", found


def load_demo_rewards(db: Database) -> int:
    """Add the demo rewards that are missing (by name); returns how many were added."""
    data = tomllib.loads(resources.files("bot").joinpath(DEMO_FILE).read_text("utf-8"))
    added = 0
    with db.session() as session:
        names = set(session.exec(select(Reward.name)))
        for item in data["reward"]:
            if item["name"] not in names:
                session.add(Reward(name=item["name"], points=item["points"], stock=item["stock"]))
                added += 1
    return added
