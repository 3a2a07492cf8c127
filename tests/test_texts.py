"""Every text key the code asks for is in bot/texts.py, and every key there is asked for.

Most keys are string literals in the code. Some are built from a prefix and a value
(f"role_{role}", "order_ask_" + step); DYNAMIC lists each such prefix with the values it is
built from, taken from the enum that produces them where the code has one."""
from __future__ import annotations

import ast
from pathlib import Path

from bot.dialogs.orders.resident import STEPS as ORDER_STEPS
from bot.dialogs.publishing.change import KINDS as COURSE_CHANGE_KINDS
from bot.dialogs.publishing.answers import NUMBER_STEPS as PUBLISH_NUMBER_STEPS, STEPS as PUBLISH_STEPS
from bot.dialogs.proxy.register import STEPS as PROXY_STEPS
from bot.dialogs.shifts.checkin import CHECK_IN_STATUSES, CHECK_OUT_STATUSES
from bot.dialogs.shifts.post import STEPS as SHIFT_STEPS
from bot.dialogs.volunteers.volunteer import FIELDS as VOLUNTEER_FIELDS
from bot.texts import ZH
from store.lottery import ERRORS as LOTTERY_ERRORS
from store.models.feedback import FEEDBACK_CATEGORIES
from store.models.notices import CANCELLED, SCHEDULED, SENT
from store.models.orders import STATUSES as ORDER_STATUSES
from store.models.staff import ROLES
from store.models.volunteers import HANDED_OUT, REQUESTED, VOLUNTEER_STATUSES
from store.publishing import CHANGE_ERRORS as COURSE_CHANGE_ERRORS

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
STORE = ROOT / "store"  # some store checks name the text of each problem (vote_bad_…)
POINT_SOURCES = ("order", "session", "redeem", "shift")  # the automatic ledger sources points_flow names

DYNAMIC: dict[str, tuple[str, ...]] = {
    "role_": ROLES,
    "invite_": ("unknown", "used", "expired"),                       # InviteResult statuses shown as such
    "bind_": ("unknown", "used", "expired", "not_yours"),            # BindResult statuses but "bound"
    "lottery_": LOTTERY_ERRORS,                                     # LotteryError codes
    "draw_": ("not_found", "not_ended", "bad_count", "bad_seed", "too_few"),  # DrawError codes
    "order_status_": ORDER_STATUSES,
    "order_action_": ("dispatch", "decline", "accept", "return", "complete"),  # what illegal_move names
    "order_ask_": ORDER_STEPS,
    "proxy_ask_": PROXY_STEPS,
    "vol_ask_": VOLUNTEER_FIELDS,
    "vol_bad_": VOLUNTEER_FIELDS,
    "vol_status_": VOLUNTEER_STATUSES,
    "rdm_status_": (REQUESTED, HANDED_OUT),
    "pub_ask_": PUBLISH_STEPS,
    "pub_bad_": PUBLISH_NUMBER_STEPS,
    "pub_confirm_": COURSE_CHANGE_KINDS,
    "pub_done_": COURSE_CHANGE_KINDS,
    "pub_change_": COURSE_CHANGE_ERRORS,
    "notice_status_": (SCHEDULED, SENT, CANCELLED),
    "fb_cat_": FEEDBACK_CATEGORIES,
    "fb_ask_": FEEDBACK_CATEGORIES,
    "shift_ask_": SHIFT_STEPS,
    "shift_bad_": ("title", "place"),
    "shift_in_": CHECK_IN_STATUSES,
    "shift_out_": CHECK_OUT_STATUSES,
    "pts_src_": POINT_SOURCES + tuple(f"{s}_plain" for s in POINT_SOURCES),
}


def sources(*folders: Path) -> list[tuple[Path, ast.AST]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8")))
            for folder in folders or (BOT,) for path in sorted(folder.rglob("*.py"))
            if path.name != "texts.py" and "migrations" not in path.parts]


def text_calls() -> list[tuple[str, ast.expr]]:
    """(where, first argument) of every t(...) and ctx.t(...) call."""
    found = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "t":
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0]))
    return found


def built_prefix(arg: ast.expr) -> str | None:
    """The literal start of a key built at run time: f"role_{x}" or "order_ask_" + step."""
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return arg.values[0].value
    if isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant):
        return arg.left.value
    return None


def key_expressions(arg: ast.expr) -> list[ast.expr]:
    """The expressions a key argument may evaluate to: both sides of an if-else, the values and
    default of {…}.get(n, default), else the argument itself."""
    if isinstance(arg, ast.IfExp):
        return key_expressions(arg.body) + key_expressions(arg.orelse)
    if (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "get"
            and isinstance(arg.func.value, ast.Dict)):
        return [x for value in arg.func.value.values + arg.args[1:] for x in key_expressions(value)]
    return [arg]


def literals_in_code() -> set[str]:
    return {node.value for _, tree in sources(BOT, STORE) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_every_key_asked_for_by_name_exists():
    missing = []
    for where, arg in text_calls():
        for key in key_expressions(arg):
            if isinstance(key, ast.Constant) and key.value not in ZH:
                missing.append((where, key.value))
    assert missing == []


def test_every_built_key_has_its_prefix_listed():
    prefixes = {built_prefix(key) for _, arg in text_calls() for key in key_expressions(arg)} - {None}
    assert prefixes == set(DYNAMIC)


def test_every_member_of_a_built_key_exists():
    missing = [prefix + member for prefix, members in DYNAMIC.items() for member in members
               if prefix + member not in ZH]
    assert missing == []


def test_every_text_is_used():
    built = {prefix + member for prefix, members in DYNAMIC.items() for member in members}
    unused = sorted(set(ZH) - literals_in_code() - built)
    assert unused == []
