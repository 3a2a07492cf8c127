"""A plain resident tries every staff command, every staff button and every guarded staff step, as the
routers declare them: each is refused politely, the attempt lands in the audit log as "refused", and
nothing else in the store moves."""
from __future__ import annotations

import itertools
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select as select_rows
from sqlmodel import SQLModel, select

from tests.support.clock import ManualClock
from bot.dialogs import ROUTERS
from bot.dialogs.engine import Dialogs
from bot.dialogs.notices.groups import handle_in_group
from bot.messages import Incoming, Reply
from bot.dialogs.router import Routes
from bot.settings import load_settings
from bot.texts import t
from store.booking_slots import free_slots, local_date
from store.bookings import book_slot
from store.db import Database
from store.dialog_state import ChatState, save_state
from store.models.dialog import PRIVATE_CHAT
from store.feedback import submit
from store.groups import issue_bind_code
from store.models import AuditEntry, ClassSession, RoleGrant, Room, ServiceTeam, Venue
from store.models.staff import GRID_STAFF
from store.notices import Target, create_notice, subscribe
from store.orders import active_services, place_order
from store.people import find_account, get_or_create_account
from store.points import credit_by_hand
from store.rewards import active_rewards, load_demo_rewards, redeem
from store.roles import grant_role
from store.services_import import load_demo_services
from store.vote_setup import create_vote
from store.votes import cast_ballot, options_of
from store.volunteers import register
from tests.conftest import ROOT, START
from tests.support.catalog import add_course
from tests.support.databases import TEST_PHONE_KEY

CHANNEL = "console"
TZ = ZoneInfo("Asia/Shanghai")
HOURS = {day: "08:00-20:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
# What a turn writes whoever talks: the person, the conversation, the audit log itself.
BOOKKEEPING = {"audit_log", "dialog_state", "processed_update", "channel_account", "resident"}
REFUSALS = (t("staff_only"), t("order_not_team"))

# The staff buttons are every button whose handler declares who may press it (a role, or a guard
# such as the order's team); each is tried with the ids of something real behind it ("{x}"), so
# the guard is what stops the resident. Every field of a guarded button needs samples here.
FIELD_SAMPLES: dict[str, list[str]] = {
    "order": ["{order}"], "team": ["{team}"], "volunteer": ["{volunteer}"], "resident": ["{volunteer_resident}"],
    "redemption": ["{redemption}"], "feedback": ["{feedback}"], "notice": ["{notice}"], "vote": ["{vote}"],
    "code": ["{check_in_code}"], "points": ["5"], "choice": ["0", "new", "all"], "count": ["1"],
    "seed": ["abcdef"], "year_or_month": ["2026-11"], "month": ["11"], "page": ["2"],
    "session": ["{session}"], "course": ["{course}"], "person": ["{volunteer_resident}"], "pick": ["0"],
}
# What the list of staff buttons held when it was kept by hand: the declarations cover at least this.
HAND_KEPT_BEFORE = {
    "vlist", "vsee:{volunteer}", "vapp:{volunteer}", "vrej:{volunteer}",
    "rdlist", "rdsee:{redemption}", "rdout:{redemption}",
    "credit", "crv:{volunteer_resident}", "crp:5", "crok",
    "fblist", "fbsee:{feedback}", "fbans:{feedback}",
    "orders", "so:{order}", "sod:{order}", "sot:{order}:{team}", "sox:{order}", "sor:{order}",
    "soa:{order}", "soc:{order}",
    "checkin", "checkin:{check_in_code}",
    "gbc", "gbcc:0", "gbcc:new", "gbcg:all", "gbcg:0", "gbcg:new",
    "ntc", "ntl", "nto:{notice}", "ntcx:{notice}", "ntcy:{notice}", "ntok",
    "newvote", "nvy", "draw", "draw:{vote}", "draw:{vote}:1", "drawy:{vote}:1:abcdef", "report",
    "report:2026-11",
}
# Later steps of a staff draft (a notice, a vote, an order question): without a draft of one's
# own, which only a guarded button hands out, they only say the draft is gone.
STAFF_DRAFT_STEPS = ["ntp:2", "ntt:0", "ntw:now", "ntw:later", "ntu:1", "ntx", "nvr:daily", "nvs:live",
                     "nvn", "sno", "soh:1:2", "sopr:1:all"]
RESIDENT_BUTTONS = {
    "bind", "here", "bkc", "bkcy", "bkd", "bkp", "bkr", "bks", "bkv", "bky", "book", "browse", "cat", "crs", "cx",
    "cxy", "fb", "fbc", "help", "invite", "link", "lv", "menu", "mo", "more", "my", "mybk", "myo", "myp", "nsub", "ofa", "ofd",
    "nsubt", "ocx", "ook", "order", "orq", "ort", "orts", "osk", "osv", "ptrd", "ptrw", "ptry", "pts", "rt",
    "rts", "search", "sec", "set", "setc", "su", "suy", "vb", "vol", "mydt", "mydx", "myda", "mydd", "vollv", "vollvy", "volok", "volop", "volpa",
    "volre", "volreg", "vote", "votes", "vr",
    "shifts", "shsee", "shsign", "shwd", "shin", "shout",  # volunteer shifts: the handlers check the volunteer
}
RESIDENT_BUTTONS |= {"comm", "commb", "commp", "ohc", "wcat", "wcrs", "wo", "wom"}  # 近期活动, 我的社区 (分馆, 服务点), 点单 我家门口, 有新课/有名额时提醒我
# 我的家人, 绑定家人, 家人代办 (the handlers check the family link) and 退出代办
RESIDENT_BUTTONS |= {"fam", "famc", "famr", "famb", "fame", "famg", "pxx"}
ROUTES = Routes(ROUTERS)


def _verb(button: str) -> str:
    return button.split(":", 1)[0]


def button_samples(callback) -> list[str]:
    """Every length of the button's data from its required fields to all of them, with each sample."""
    fields, required = [name for name, _, _ in callback._shape], sum(need for _, _, need in callback._shape)
    missing = [name for name in fields if name not in FIELD_SAMPLES]
    assert not missing, f"{callback.prefix}: give the fields {missing} samples in FIELD_SAMPLES"
    return [":".join([callback.prefix, *values]) for length in range(required, len(fields) + 1)
            for values in itertools.product(*(FIELD_SAMPLES[name] for name in fields[:length]))]


GUARDED = {verb: route for verb, route in ROUTES.payloads.items() if route.access is not None}
STAFF_BUTTONS = sorted(sample for route in GUARDED.values() for sample in button_samples(route.callback))
STAFF_VERBS = set(GUARDED)
GUARDED_STATES = sorted(name for name, state in ROUTES.states.items() if state.access is not None)
STAFF_COMMANDS = sorted(word for word, payload in ROUTES.words.items() if _verb(payload) in STAFF_VERBS)
# Typed with arguments: "签到 CODE" takes one, "/draw VOTE N SEED" up to three.
STAFF_COMMANDS_WITH_ARGUMENTS = sorted(
    f"{word} {' '.join(args)}" for word, verb in ROUTES.argument_words.items() if verb in STAFF_VERBS
    for args in (b.split(":")[1:] for b in button_samples(GUARDED[verb].callback))
    if len(args) == 1 or (args and word.startswith("/")))

_people = itertools.count(1)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Something real behind every staff button: a registration, a redemption, feedback, an order
    with a team, a notice, an ended vote with a ballot and a booking with its check-in code."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('roles') / 'linli.db'}")
    db.create_all()
    add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=START + timedelta(days=1))
    load_demo_services(db)
    load_demo_rewards(db)
    ids: dict[str, object] = {}
    with db.session() as s:
        venue = Venue(code="V-XF", name="幸福社区党群服务中心", address="幸福路 12 号", community="幸福社区",
                      opening_hours=json.dumps(HOURS))
        s.add(venue)
        s.flush()
        room = Room(venue_id=venue.id, code="HYS", name="会议室", capacity=8)
        s.add(room)
        s.flush()
        owner = get_or_create_account(s, CHANNEL, "owner")[0].resident_id
        day = local_date(START, TZ) + timedelta(days=2)
        slot = free_slots(s, room, day, START, TZ, venue)[0]
        booking = book_slot(s, owner, room.id, slot.starts_at, purpose="合唱排练", headcount=5,
                            now=START, tz=TZ).booking
        service = active_services(s)[0]
        order = place_order(s, service_id=service.id, community="幸福社区", place="文化广场",
                            preferred_dates="12月20日", audience=50, contact_name="王阿姨",
                            contact_phone="", resident_id=owner, now=START)
        volunteer = register(s, owner, "王阿姨", "幸福社区", "唱歌", "周末", now=START).volunteer
        credit_by_hand(s, owner, 100, "上月服务", "cli", START)
        redemption = redeem(s, owner, active_rewards(s)[0].id, START).redemption
        feedback = submit(s, owner, "course", "希望多开书法课", START).feedback
        worker = get_or_create_account(s, CHANNEL, "worker")[0].resident_id
        grant_role(s, worker, GRID_STAFF, "幸福社区")
        notice = create_notice(s, author_id=worker, text="周六停水", target=Target("community", "幸福社区"),
                               send_at=START + timedelta(hours=5), urgent=False,
                               payload={"text": "周六停水"}, now=START)
        vote = create_vote(s, title="最想上的课", options=[("书法", ""), ("太极", "")],
                           opens_at=START - timedelta(days=9), closes_at=START - timedelta(days=1),
                           now=START - timedelta(days=10))
        cast_ballot(s, vote.id, options_of(s, vote.id)[0].id, owner, START - timedelta(days=5), TZ)
        team_id = s.exec(select(ServiceTeam.id)).first()
        subscribe(s, owner, "幸福社区", START)
        ids.update(volunteer=volunteer.id, volunteer_resident=owner, redemption=redemption.id,
                   feedback=feedback.id, order=order.id, team=team_id, notice=notice.id, vote=vote.id,
                   check_in_code=booking.check_in_code)
        ids["bind_code"] = issue_bind_code(s, worker, "幸福社区", "", START).code
        ids["session"] = s.exec(select(ClassSession.id)).first()
        ids["course"] = s.exec(select(ClassSession.course_id)).first()
    settings = load_settings({"LINLI_CONFIG": str(ROOT / "settings.toml"), "LINLI_PRIVACY__PHONE_KEY": TEST_PHONE_KEY})
    yield Dialogs(db, settings, ManualClock(START)), ids
    db.dispose()


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table a refused attempt must leave alone."""
    with db.session() as s:
        return {name: sorted(map(tuple, s.execute(select_rows(table)).all()), key=repr)
                for name, table in SQLModel.metadata.tables.items() if name not in BOOKKEEPING}


def refusals_of(db: Database, user: str) -> list[AuditEntry]:
    with db.session() as s:
        resident_id = find_account(s, CHANNEL, user).resident_id
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == "refused",
                                                    AuditEntry.actor_resident_id == resident_id)))


def plain_resident(dialogs: Dialogs) -> str:
    user = f"resident-{next(_people)}"
    dialogs.handle(Incoming(CHANNEL, user, text="/start"))
    return user


def check_refused(dialogs: Dialogs, user: str, replies: list[Reply], tried: str, before: dict) -> None:
    assert replies and any(reply.text in REFUSALS for reply in replies), (tried, [r.text for r in replies])
    assert all(t("busy") not in reply.text for reply in replies)
    assert len(refusals_of(dialogs.db, user)) == 1, tried
    assert snapshot(dialogs.db) == before, f"{tried} changed the store"


def test_the_declared_staff_buttons_cover_at_least_the_list_once_kept_by_hand():
    assert HAND_KEPT_BEFORE <= set(STAFF_BUTTONS), HAND_KEPT_BEFORE - set(STAFF_BUTTONS)


def test_every_button_without_a_guard_is_known_as_a_resident_one_or_a_later_staff_step():
    unguarded = set(ROUTES.payloads) - STAFF_VERBS
    assert unguarded == RESIDENT_BUTTONS | {_verb(b) for b in STAFF_DRAFT_STEPS}, \
        "a new button: declare its role, or list it as a resident button here"


def test_the_staff_commands_are_all_tried():
    assert {"/orders", "/checkin", "/notice", "/notices", "/bindcode", "/volunteers", "/credit",
            "/redemptions", "/feedback", "/newvote", "/draw", "/report"} <= set(STAFF_COMMANDS)
    assert {"/checkin {check_in_code}", "/draw {vote}", "/draw {vote} 1", "/report 2026-11"} \
        <= set(STAFF_COMMANDS_WITH_ARGUMENTS)


ATTEMPTS = ([pytest.param("text", command, id=f"typed {command}")
             for command in STAFF_COMMANDS + STAFF_COMMANDS_WITH_ARGUMENTS]
            + [pytest.param("payload", button, id=f"pressed {button}") for button in STAFF_BUTTONS])


@pytest.mark.parametrize("field,attempt", ATTEMPTS)
def test_a_resident_typing_a_staff_command_or_pressing_a_staff_button_is_refused_and_audited(
        world, field, attempt):
    dialogs, ids = world
    user = plain_resident(dialogs)
    tried = attempt.format(**ids)
    before = snapshot(dialogs.db)
    replies = dialogs.handle(Incoming(CHANNEL, user, **{field: tried}))
    check_refused(dialogs, user, replies, tried, before)


@pytest.mark.parametrize("state", GUARDED_STATES)
def test_a_resident_typing_in_a_guarded_staff_state_is_refused_and_audited(world, state):
    dialogs, _ = world
    user = plain_resident(dialogs)
    with dialogs.db.session() as s:
        save_state(s, find_account(s, CHANNEL, user).id, PRIVATE_CHAT, ChatState(state, {}))
    before = snapshot(dialogs.db)
    replies = dialogs.handle(Incoming(CHANNEL, user, text="王阿姨"))
    check_refused(dialogs, user, replies, state, before)


@pytest.mark.parametrize("button", STAFF_DRAFT_STEPS)
def test_a_resident_pressing_a_later_staff_step_gets_a_clear_answer_and_changes_nothing(world, button):
    dialogs, _ = world
    user = plain_resident(dialogs)
    before = snapshot(dialogs.db)
    replies = dialogs.handle(Incoming(CHANNEL, user, payload=button))
    assert replies and replies[0].text and all(t("busy") not in r.text for r in replies)
    assert snapshot(dialogs.db) == before


def test_a_resident_typing_a_bind_code_in_a_group_is_refused_and_the_group_stays_unbound(world):
    dialogs, ids = world
    user = plain_resident(dialogs)
    before = snapshot(dialogs.db)
    replies = handle_in_group(dialogs, Incoming(CHANNEL, user, text=f"/bind {ids['bind_code']}",
                                                chat_id="-100777", extra={"chat_title": "幸福一网格群"})).replies
    check_refused(dialogs, user, replies, "/bind", before)


def test_a_worker_whose_role_was_taken_away_cannot_send_the_draft_left_open(world):
    dialogs, _ = world
    db = dialogs.db
    user = f"former-worker-{next(_people)}"
    with db.session() as s:
        grant_role(s, get_or_create_account(s, CHANNEL, user)[0].resident_id, GRID_STAFF, "幸福社区")
    for step in ("/notice", "周六上午停水，请提前储水。"):
        dialogs.handle(Incoming(CHANNEL, user, text=step))
    preview = []
    for payload in ("ntt:0", "ntw:now", "ntu:0"):
        preview = dialogs.handle(Incoming(CHANNEL, user, payload=payload))
    assert any(c.payload == "ntok" for c in preview[0].choices), preview[0].text
    with db.session() as s:
        resident_id = find_account(s, CHANNEL, user).resident_id
        for grant in s.exec(select(RoleGrant).where(RoleGrant.resident_id == resident_id)):
            s.delete(grant)
    before = snapshot(db)
    replies = dialogs.handle(Incoming(CHANNEL, user, payload="ntok"))
    check_refused(dialogs, user, replies, "ntok", before)
