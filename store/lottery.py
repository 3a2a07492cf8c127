"""Lottery courses: applications until a deadline, then one seeded draw that seats whole parties
in draw order and puts everyone else on the waiting list in draw order.

The draw reuses the prize draw's mechanism (store/draws.py): the applicants sorted by id, shuffled
by a seed; the seed, a digest of the applicants and the result go to the audit log, so
`--check` can run the draw again and compare.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from store.draws import candidates_digest, new_seed, pick_winners
from store.enrolments import SignUpResult, count_confirmed, live_enrolment, lock_course, party_problem
from store.models import AuditEntry, Course, Enrolment, Resident, Venue
from store.models.enrolment import APPLIED, CANCELLED, CONFIRMED, WAITING
from store.roles import audit
from store.written import written

LOTTERY = "lottery"
ACTION = "lottery.draw"
ERRORS = ("not_found", "not_lottery", "not_closed", "already_drawn", "not_drawn", "other_seed", "bad_seed")
_SEED = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class LotteryError(ValueError):
    """A draw that cannot be made: code is not_found, not_lottery, not_closed, already_drawn,
    not_drawn, other_seed or bad_seed."""

    def __init__(self, reason: str, **values: object):
        super().__init__(reason)
        self.code = reason
        self.values = values


@dataclass(frozen=True)
class LotteryDraw:
    """One course's draw: applicants (enrolment ids), their draw order, who got seats."""

    course_id: int
    seed: str
    candidates: list[int]
    order: list[int]
    seated: list[int]
    waiting: list[int] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """A short fingerprint of the applicant list."""
        return candidates_digest(self.candidates)


def is_lottery(course: Course) -> bool:
    """True for a course whose seats are drawn."""
    return course.signup_mode == LOTTERY


def apply_for(session: Session, resident_id: int, course_id: int, now: datetime, party: int = 1) -> SignUpResult:
    """Record the resident's application (with their party); status applied, already_applied,
    window_closed, not_found or a party problem."""
    course = lock_course(session, course_id)
    if course is None or not course.active:
        return SignUpResult("not_found")
    existing = live_enrolment(session, course_id, resident_id)
    if existing is not None:
        return SignUpResult("already_applied" if existing.status == APPLIED else f"already_{existing.status}",
                            existing.id)
    if course.apply_until is None or now >= course.apply_until:
        return SignUpResult("window_closed")
    problem = party_problem(course, party)
    if problem:
        return SignUpResult(problem)
    enrolment = Enrolment(course_id=course_id, resident_id=resident_id, status=APPLIED, party=party,
                          queue_no=0, created_at=now, updated_at=now)
    session.add(enrolment)
    session.flush()
    return SignUpResult(APPLIED, enrolment.id)


def recorded_draw(session: Session, course_id: int) -> dict | None:
    """The course's draw as the audit log keeps it, or None."""
    row = session.exec(select(AuditEntry).where(AuditEntry.action == ACTION,
                                                AuditEntry.target == f"course:{course_id}")
                       .order_by(AuditEntry.id.desc())).first()
    try:
        return json.loads(row.detail) if row else None
    except ValueError:
        return None


def _tier(session: Session, enrolment: Enrolment, course: Course, rules: dict[str, bool]) -> int:
    """0 comes first: the priority rules in force, as a number (lower is earlier)."""
    tier = 0
    if rules.get("own_community_first"):
        venue = session.get(Venue, course.venue_id) if course.venue_id else None
        person = session.get(Resident, enrolment.resident_id)
        if not (venue and venue.community and person and person.community == venue.community):
            tier += 2
    if rules.get("first_timers_first"):
        earlier = session.exec(select(Enrolment.id).where(
            Enrolment.resident_id == enrolment.resident_id, Enrolment.course_id != course.id,
            Enrolment.confirmed_at.is_not(None), Enrolment.created_at < enrolment.created_at)).first()
        if earlier is not None:
            tier += 1
    return tier


def _arrange(course: Course, seed: str, parties: dict[int, int], tiers: dict[int, int],
             taken: int) -> LotteryDraw:
    """The draw a seed gives: shuffled, then ordered by priority tier (stable), seats filled."""
    candidates = sorted(parties)
    shuffled = pick_winners(candidates, len(candidates), seed) if candidates else []
    order = sorted(shuffled, key=lambda e: tiers.get(e, 0))
    left, seated, waiting = course.capacity - taken, [], []
    for enrolment_id in order:
        if parties[enrolment_id] <= left:  # whole parties only; a smaller one further on may still fit
            seated.append(enrolment_id)
            left -= parties[enrolment_id]
        else:
            waiting.append(enrolment_id)
    return LotteryDraw(course.id, seed, candidates, order, seated, waiting)


def _course(session: Session, code: str, lock: bool) -> Course:
    query = select(Course).where(Course.code == code)
    course = session.exec(query.with_for_update() if lock else query).first()
    if course is None:
        raise LotteryError("not_found", code=code)
    if not is_lottery(course):
        raise LotteryError("not_lottery", code=code)
    return course


def run_lottery(session: Session, code: str, seed: str | None, now: datetime, rules: dict[str, bool],
                actor: str = "cli") -> LotteryDraw:
    """Draw a course's applications once, under its row lock: seats and waiting places written,
    the draw audited. Raises LotteryError."""
    seed = new_seed() if seed is None else seed
    if not _SEED.match(seed):
        raise LotteryError("bad_seed")
    course = _course(session, code, lock=True)
    if course.apply_until is None or now < course.apply_until:
        raise LotteryError("not_closed", code=code)
    if recorded_draw(session, course.id) is not None:
        raise LotteryError("already_drawn", code=code)
    applied = list(session.exec(select(Enrolment).where(Enrolment.course_id == course.id,
                                                        Enrolment.status == APPLIED)))
    tiers = {e.id: _tier(session, e, course, rules) for e in applied}
    taken = count_confirmed(session, course.id)
    draw = _arrange(course, seed, {e.id: e.party for e in applied}, tiers, taken)
    by_id = {e.id: e for e in applied}
    last_no = max([e.queue_no for e in session.exec(select(Enrolment).where(
        Enrolment.course_id == course.id, Enrolment.status != written(APPLIED)))] or [0])
    for number, enrolment_id in enumerate(draw.order, start=last_no + 1):
        enrolment = by_id[enrolment_id]
        enrolment.queue_no, enrolment.updated_at = number, now
        if enrolment_id in draw.seated:
            enrolment.status, enrolment.confirmed_at = CONFIRMED, now
        else:
            enrolment.status = WAITING
        session.add(enrolment)
    session.flush()
    audit(session, ACTION, actor=actor, target=f"course:{course.id}",
          detail={"seed": seed, "digest": draw.digest, "candidates": draw.candidates,
                  "parties": [by_id[e].party for e in draw.candidates],
                  "tiers": [tiers[e] for e in draw.candidates], "taken": taken,
                  "seated": draw.seated, "waiting": draw.waiting}, now=now)
    return draw


@dataclass(frozen=True)
class LotteryCheck:
    """A draw run again from its seed: status is match or differs."""

    status: str
    draw: LotteryDraw
    recorded_seated: list[int]
    candidates_changed: bool


def check_lottery(session: Session, code: str, seed: str) -> LotteryCheck:
    """Run a course's recorded draw again from the seed and compare; changes nothing."""
    course = _course(session, code, lock=False)
    recorded = recorded_draw(session, course.id)
    if recorded is None:
        raise LotteryError("not_drawn", code=code)
    if recorded.get("seed") != seed:
        raise LotteryError("other_seed", code=code)
    # The applicants as the database holds them: every place of the course created before the
    # deadline and not cancelled before the draw.
    drawn_at = session.exec(select(AuditEntry.created_at).where(
        AuditEntry.action == ACTION, AuditEntry.target == f"course:{course.id}")).first()
    rows = session.exec(select(Enrolment).where(Enrolment.course_id == course.id,
                                                Enrolment.created_at < course.apply_until))
    live = [e for e in rows if e.status != CANCELLED or (e.cancelled_at and e.cancelled_at > drawn_at)]
    recorded_ids = [int(c) for c in recorded.get("candidates", [])]
    parties = dict(zip(recorded_ids, [int(p) for p in recorded.get("parties", [])]))
    tiers = dict(zip(recorded_ids, [int(x) for x in recorded.get("tiers", [])]))
    changed = candidates_digest([e.id for e in live]) != recorded.get("digest") or \
        any(parties.get(e.id) != e.party for e in live)
    draw = _arrange(course, seed, parties, tiers, int(recorded.get("taken", 0)))
    seated = [int(s) for s in recorded.get("seated", [])]
    waiting = [int(w) for w in recorded.get("waiting", [])]
    same = draw.seated == seated and draw.waiting == waiting and not changed
    return LotteryCheck("match" if same else "differs", draw, seated, changed)
