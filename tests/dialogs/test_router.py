"""Routers put together at start: one owner per verb, state, keyword and fallback; typed button data
that packs within Telegram's 64 bytes and refuses anything forged; role guards that refuse and audit."""
from __future__ import annotations

import pytest
from sqlmodel import select

from bot.dialogs import ROUTERS, home
from bot.dialogs.callback import MAX_BYTES, BadCallback, Callback
from bot.dialogs.engine import Dialogs
from bot.dialogs.router import DuplicateRoute, Router, Routes
from bot.messages import Incoming, Reply
from bot.texts import t
from store.models import AuditEntry, Resident
from store.models.staff import ORGANIZER
from store.people import find_account
from store.roles import grant_role

CHANNEL = "console"


class Pick(Callback, prefix="tpick"):
    item: int
    note: str | None = None


class Rename(Callback, prefix="tren"):
    resident: int
    name: str


def test_button_data_packs_and_unpacks_to_the_same_fields():
    assert Pick(12).pack() == "tpick:12"
    assert Pick(12, "abc").pack() == "tpick:12:abc"
    assert Pick.unpack("tpick:12") == Pick(12)
    assert Pick.unpack("tpick:12:abc") == Pick(12, "abc")
    assert Pick.unpack(Pick(2 ** 63 - 1, "x").pack()) == Pick(2 ** 63 - 1, "x")


@pytest.mark.parametrize("payload", ["tpick", "tpick:1:2:3", "tpick:abc", "tpick:²", "tpick:①",
                                     f"tpick:{2 ** 63}", "tpick:" + "9" * 5000, "tpick:1_000", "other:1"])
def test_button_data_of_the_wrong_shape_is_refused(payload):
    with pytest.raises(BadCallback):
        Pick.unpack(payload)


def test_button_data_longer_than_telegram_allows_does_not_pack():
    fits = Pick(1, "x" * (MAX_BYTES - len("tpick:1:"))).pack()
    assert len(fits.encode()) == MAX_BYTES
    with pytest.raises(ValueError):
        Pick(1, "书" * 20).pack()  # 60 bytes of text on top of the verb
    with pytest.raises(ValueError):
        Pick(1, "a:b").pack()


def test_a_verb_declared_by_two_routers_fails_at_build():
    first, second = Router("first"), Router("second")
    first.payload(Pick)(lambda ctx, data: Reply("one"))
    second.payload(Pick)(lambda ctx, data: Reply("two"))
    with pytest.raises(DuplicateRoute, match="tpick"):
        Routes([first, second])


def test_a_verb_declared_twice_by_one_router_fails_at_once():
    router = Router("twice")
    router.payload(Pick)(lambda ctx, data: Reply("one"))
    with pytest.raises(DuplicateRoute):
        router.payload(Pick)(lambda ctx, data: Reply("two"))


def test_a_keyword_or_state_declared_by_two_routers_fails_at_build():
    first, second = Router("first"), Router("second")
    first.keywords({"挑一个"}, Pick(1))
    second.keywords({"挑一个"}, Pick(2))
    with pytest.raises(DuplicateRoute, match="挑一个"):
        Routes([first, second])
    first, second = Router("first"), Router("second")
    first.state("naming")(lambda ctx, text: Reply("one"))
    second.state("naming")(lambda ctx, text: Reply("two"))
    with pytest.raises(DuplicateRoute, match="naming"):
        Routes([first, second])


def test_the_app_declares_exactly_one_fallback_and_a_second_fails_at_build():
    assert Routes(ROUTERS).fallback is not None
    extra = Router("extra")
    extra.fallback(lambda ctx, text: Reply("mine"))
    with pytest.raises(DuplicateRoute, match="fallback"):
        Routes([*ROUTERS, extra])


def test_every_verb_of_the_app_has_one_owner_and_every_menu_entry_a_handler():
    routes = Routes(ROUTERS)
    for where in ("main", "more"):
        for item in routes.menu(where):
            assert item.payload.split(":", 1)[0] in routes.payloads, item
    for payload in routes.words.values():
        assert payload.split(":", 1)[0] in routes.payloads, payload
    for verb in routes.argument_words.values():
        assert verb in routes.payloads, verb


def _guarded_app(dialogs: Dialogs, calls: list) -> Dialogs:
    router = Router("renames")

    @router.payload(Rename, role=ORGANIZER, action="resident.rename")
    def rename(ctx, data: Rename) -> Reply:
        calls.append(data)
        ctx.session.get(Resident, data.resident).display_name = data.name
        return Reply("renamed")

    return Dialogs(dialogs.db, dialogs.settings, dialogs.clock, routers=[home.router, router])


def _resident(dialogs: Dialogs, user: str) -> int:
    dialogs.handle(Incoming(CHANNEL, user, text="/start"))
    with dialogs.db.session() as s:
        return find_account(s, CHANNEL, user).resident_id


def test_a_role_guard_refuses_audits_and_never_calls_the_handler(dialogs):
    calls: list = []
    app = _guarded_app(dialogs, calls)
    me = _resident(app, "plain")
    replies = app.handle(Incoming(CHANNEL, "plain", payload=Rename(me, "王阿姨").pack()))
    assert [r.text for r in replies] == [t("staff_only")]
    assert [c.payload for c in replies[0].choices] == ["menu"]
    assert calls == []
    with app.db.session() as s:
        assert s.get(Resident, me).display_name != "王阿姨"
        refusals = s.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()
        assert [(a.actor_resident_id, a.target) for a in refusals] == [(me, "resident.rename")]
        assert '"needs": "organizer"' in refusals[0].detail


def test_a_role_guard_lets_the_role_through(dialogs):
    calls: list = []
    app = _guarded_app(dialogs, calls)
    me = _resident(app, "organizer")
    with app.db.session() as s:
        grant_role(s, me, ORGANIZER)
    replies = app.handle(Incoming(CHANNEL, "organizer", payload=Rename(me, "王阿姨").pack()))
    assert [r.text for r in replies] == ["renamed"] and calls == [Rename(me, "王阿姨")]


@pytest.mark.parametrize("payload", ["tren:²:王", "tren:1", "tren:1:王:多", f"tren:{2 ** 63}:王", "tren:abc:王"])
def test_forged_button_data_is_answered_expired_and_changes_nothing(dialogs, payload):
    calls: list = []
    app = _guarded_app(dialogs, calls)
    _resident(app, "forger")
    replies = app.handle(Incoming(CHANNEL, "forger", payload=payload))
    assert replies[0].text == t("expired")
    assert calls == []
    with app.db.session() as s:
        assert s.exec(select(AuditEntry)).all() == []
