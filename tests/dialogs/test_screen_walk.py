"""Every screen the demo data can show, walked from /start as a resident and as each staff role:
at most eight numbered choices, and always a way back.

The walk is breadth-first over the buttons: each screen is reached by pressing its parent's button
and then its own, so a step that keeps data between screens (a booking, an order form) is followed
as a person would follow it. A screen that takes typed text is also answered once, so the steps
behind it (the head-count of a booking, the next question of a form) are walked too."""
from __future__ import annotations

import itertools
from collections import Counter, deque
from dataclasses import dataclass

import pytest

from bot.app import build_dialogs
from bot.dialogs.choice_words import BACK, CANCEL, MENU, group_name
from bot.dialogs.paging import MAX_CHOICES
from bot.messages import Incoming, Reply
from bot.settings import load_settings
from store.dialog_state import load_state
from store.models.dialog import PRIVATE_CHAT
from store.models.staff import ROLES
from store.people import find_account
from tests.conftest import ROOT
from tests.support.people import console_person

CHANNEL = "console"
MAX_EDGES = 400  # presses per person
# Buttons of one kind pressed per person: the tenth course page or time slot shows nothing new.
PER_VERB = 6
# Buttons that lead home or one step back, besides those named 返回 / 主菜单 / 取消 and the like.
WAYS_BACK = {"再想想", "换个时段", "先不处理", "换个类别"}
# What a screen that takes typed text is answered with, to follow the step behind it.
SAMPLE_ANSWER = "2"
# Deleting the walker's own account would end the walk; its answer is checked in the account tests.
NOT_PRESSED = {"mydd"}
_users = itertools.count(1)


@dataclass(frozen=True)
class Step:
    """How to reach a screen: press `parent` (None: start there), then press or type `action`."""

    parent: str | None
    action: str
    typed: bool = False


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The service's dialogs, as `linli chat` builds them, on a database with the demo catalogue."""
    path = tmp_path_factory.mktemp("walk") / "walk.db"
    settings = load_settings({"LINLI_CONFIG": str(ROOT / "settings.toml"), "LINLI_DATABASE__URL": f"sqlite:///{path}"})
    dialogs = build_dialogs(settings)
    yield dialogs
    dialogs.db.dispose()


def has_way_back(reply: Reply, home: set[str]) -> bool:
    """A choice that leads home or back; the main menu itself (and screens ending on it) is home."""
    payloads = {c.payload for c in reply.choices}
    if home <= payloads:
        return True
    for choice in reply.choices:
        label = choice.label
        if choice.payload == "menu" or group_name(label) in (BACK, MENU, CANCEL) or label in WAYS_BACK:
            return True
        if label.startswith("返回"):
            return True
    return False


def takes_text(dialogs, user: str) -> bool:
    """True when the chat waits for typed text (a name, a comment, a number of people)."""
    with dialogs.db.session() as s:
        account = find_account(s, CHANNEL, user)
        state = load_state(s, account.id, PRIVATE_CHAT, dialogs.clock.now())
    return dialogs.routes.expects_text(state.expect)


def walk(dialogs, role: str | None) -> tuple[int, list[str]]:
    """Press every button reachable from /start; the screens seen and what is wrong with them."""
    user = f"walker-{role or 'resident'}-{next(_users)}"
    console_person(dialogs, user, role)

    def press(payload: str) -> list[Reply]:
        return dialogs.handle(Incoming(CHANNEL, user, payload=payload))

    def type_(text: str) -> list[Reply]:
        return dialogs.handle(Incoming(CHANNEL, user, text=text))

    start = type_("/start")
    home = {c.payload for c in start[-1].choices}
    problems: list[str] = []
    seen: set[tuple[str | None, str, bool]] = set()
    screens = 0
    pressed: Counter[str] = Counter()
    queue: deque[tuple[Step, tuple[str, ...]]] = deque()
    for choice in start[-1].choices:
        queue.append((Step(None, choice.payload), ("/start", choice.label)))
    while queue and len(seen) < MAX_EDGES:
        step, path = queue.popleft()
        key = (step.parent if step.typed else None, step.action, step.typed)  # each button once
        verb = step.action.split(":", 1)[0]
        if key in seen or verb in NOT_PRESSED or (not step.typed and pressed[verb] >= PER_VERB):
            continue
        seen.add(key)
        pressed[verb] += not step.typed
        if step.parent is not None:
            press(step.parent)
        replies = type_(step.action) if step.typed else press(step.action)
        screens += 1
        shown = [r for r in replies if r.choices] or replies
        for reply in shown:
            where = " → ".join(path)
            if len(reply.choices) > MAX_CHOICES:
                problems.append(f"{where}: {len(reply.choices)} choices {[c.label for c in reply.choices]}")
        last = replies[-1] if replies else Reply("")
        if not has_way_back(last, home):
            problems.append(f"{where}: no way back {[c.label for c in last.choices]} after {last.text[:60]!r}")
        here = None if step.typed else step.action
        if here is not None and takes_text(dialogs, user):
            queue.append((Step(here, SAMPLE_ANSWER, typed=True), path + (f"typed {SAMPLE_ANSWER}",)))
        for choice in last.choices:
            if (None, choice.payload, False) not in seen and choice.payload not in home:
                queue.append((Step(here, choice.payload), path + (choice.label,)))
    return screens, problems


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_screen_has_at_most_eight_choices_and_a_way_back(demo, role):
    screens, problems = walk(demo, role)
    assert screens > 40  # the walk really went through the service
    assert problems == []
