"""Named states: entered, kept, left, one at a time, and dropped by the store once they lapse."""
from __future__ import annotations

from datetime import timedelta

from bot.dialogs.context import Context
from bot.dialogs.states import NOTICE_DRAFT, STEP_TTL, VOLUNTEER_FORM, State
from bot.messages import Incoming
from bot.texts import t
from store.dialog_state import ChatState, load_state, save_state
from store.people import find_account, get_or_create_account
from tests.conftest import START

DRAFT = State("draft", timedelta(minutes=30))


def context() -> Context:
    return Context(session=None, settings=None, account=None, now=START, data={"choices": ["menu"]})


def test_a_state_lapses_its_ttl_after_it_was_entered_or_last_kept():
    ctx = context()
    DRAFT.enter(ctx, {"text": "停水"})
    assert (ctx.state, ctx.state_expires) == ("draft", START + timedelta(minutes=30))
    ctx.now = START + timedelta(minutes=20)
    DRAFT.keep(ctx)
    assert ctx.state_expires == START + timedelta(minutes=50)
    assert DRAFT.get(ctx) == {"text": "停水"}
    assert DRAFT.leave(ctx) == {"text": "停水"}
    assert (ctx.state, ctx.state_expires, ctx.data) == ("", None, {"choices": ["menu"]})
    assert DRAFT.get(ctx) is None and DRAFT.leave(ctx) is None


def test_a_state_without_ttl_never_lapses():
    ctx = context()
    State("screen").enter(ctx, {})
    assert ctx.state == "screen" and ctx.state_expires is None


def test_entering_another_state_ends_the_first():
    ctx = context()
    DRAFT.enter(ctx, {"text": "停水"})
    VOLUNTEER_FORM.enter(ctx, {"step": "name"})
    assert DRAFT.get(ctx) is None and "draft" not in ctx.data
    assert VOLUNTEER_FORM.get(ctx) == {"step": "name"}
    assert ctx.state_expires == START + STEP_TTL


def test_data_left_under_a_name_the_chat_is_not_in_is_not_read():
    ctx = context()
    ctx.data["notice"] = {"text": "from before the upgrade"}
    assert NOTICE_DRAFT.get(ctx) is None


def test_the_store_drops_a_lapsed_state_and_keeps_the_rest(sqlite_db):
    with sqlite_db.session() as s:
        account = get_or_create_account(s, "console", "grid-1")[0].id
        save_state(s, account, "private", ChatState("notice_text", {"choices": ["ntx"], "notice": {}},
                                                    "notice", START + STEP_TTL))
    with sqlite_db.session() as s:
        kept = load_state(s, account, now=START + STEP_TTL)
    assert kept.state == "notice" and "notice" in kept.data
    with sqlite_db.session() as s:
        lapsed = load_state(s, account, now=START + STEP_TTL + timedelta(seconds=1))
    assert lapsed == ChatState("notice_text", {"choices": ["ntx"]})


def test_a_lapsed_state_is_gone_after_the_next_turn_and_no_turn_fails(dialogs):
    dialogs.handle(Incoming("console", "li", text="/start"))
    with dialogs.db.session() as s:
        account = find_account(s, "console", "li").id
        # A state no flow declares (any more), and data that is not what a flow wrote.
        save_state(s, account, "private", ChatState("vol_form", {"choices": ["menu"], "gone": [1]},
                                                    "gone", START + timedelta(minutes=1)))
    dialogs.clock.advance(minutes=2)
    assert dialogs.handle(Incoming("console", "li", text="1"))[0].text == t("menu_title")
    with dialogs.db.session() as s:
        row = load_state(s, account)
    assert (row.state, row.expires_at, "gone" in row.data) == ("", None, False)
