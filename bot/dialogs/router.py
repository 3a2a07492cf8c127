"""Routers: each feature declares its buttons, its named states, its menu entries and its typed
keywords on its own Router; `Routes` puts the routers of the app together and refuses, at start,
two routers that claim the same verb, state, keyword or fallback."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, Union

from bot.dialogs.acting import not_on_behalf
from bot.dialogs.callback import BadCallback, Callback, packed, split_payload, unreadable_number
from bot.dialogs.context import Context
from bot.dialogs.staff_access import Role
from bot.dialogs.text_input import argument_payload, keyword_payload
from bot.messages import Reply

Result = Union[Reply, list[Reply]]
TextHandler = Callable[[Context, str], Result]
MAIN, MORE = "main", "more"


class DuplicateRoute(ValueError):
    """Two routers claim the same verb, state, keyword or fallback."""


class Access(Protocol):
    """Who may use a handler: None to go on, or the refusal (already audited)."""

    action: str

    def refusal(self, ctx: Context, record: Any) -> Reply | None: ...


@dataclass(frozen=True)
class Load:
    """The record a button names: fetched from its data, or the feature's "not found" answer."""

    fetch: Callable[[Context, Any], Any]
    missing: Callable[[Context], Reply]


@dataclass(frozen=True)
class Route:
    """One button verb: its data class, handler, guard and loader."""

    router: str
    callback: type[Callback]
    handler: Callable[..., Result]
    access: Access | None = None
    load: Load | None = None
    on_behalf: bool = False  # may run in 代办 (bot.dialogs.acting), for the person acted for

    def run(self, ctx: Context, data: Callback) -> Result:
        """Load the record, check the guard, then call the handler."""
        record = self.load.fetch(ctx, data) if self.load else None
        if self.access is not None:
            refusal = self.access.refusal(ctx, record)
            if refusal is not None:
                return refusal
        if self.load is None:
            return self.handler(ctx, data)
        if record is None:
            return self.load.missing(ctx)
        return self.handler(ctx, data, record)


@dataclass(frozen=True)
class StateRoute:
    """Free text while the dialog expects a named state."""

    router: str
    handler: TextHandler
    max_length: int | None = None
    access: Access | None = None
    on_behalf: bool = False

    def run(self, ctx: Context, text: str) -> Result:
        """Check the guard, then call the handler."""
        refusal = self.access.refusal(ctx, None) if self.access is not None else None
        return refusal if refusal is not None else self.handler(ctx, text)


@dataclass(frozen=True, order=True)
class MenuItem:
    """An entry on the main menu or under 更多服务; `shown_to` (None: everyone) says who sees it."""

    order: int
    text_key: str
    payload: str
    shown_to: Callable[[Context], bool] | None = field(default=None, compare=False)

    def shown(self, ctx: Context) -> bool:
        """True when this person sees the entry (staff entries only for staff)."""
        return self.shown_to is None or self.shown_to(ctx)


class Router:
    """The handlers, states, menu entries and keywords of one feature."""

    def __init__(self, name: str):
        self.name = name
        self.payloads: dict[str, Route] = {}
        self.states: dict[str, StateRoute] = {}
        self.menu_items: dict[str, list[MenuItem]] = {MAIN: [], MORE: []}
        self.words: dict[str, str] = {}
        self.argument_words: dict[str, str] = {}
        self.fallbacks: list[TextHandler] = []
        self.children: list[Router] = []

    def include(self, *routers: "Router") -> "Router":
        """Take in the routers of a feature's modules; their declarations count as this router's."""
        self.children.extend(routers)
        return self

    def walk(self) -> Iterable["Router"]:
        """This router and every router included in it."""
        yield self
        for child in self.children:
            yield from child.walk()

    @staticmethod
    def _access(role: Any, action: str) -> Access | None:
        """A guard as given, or one that needs a role (or any of several roles)."""
        if role is None or hasattr(role, "refusal"):
            return role
        return Role(role, action)

    def payload(self, callback: type[Callback], role: Any = None, load: Load | None = None,
                action: str | None = None, on_behalf: bool = False) -> Callable:
        """Handle buttons of this data class; `role` (a role, roles, or a guard) is checked and a
        refusal audited as `action`; `load` fetches the record the handler gets third; `on_behalf`
        lets the step run in 代办, for the person acted for."""
        def register(func: Callable[..., Result]) -> Callable[..., Result]:
            verb = callback.prefix
            if verb in self.payloads:
                raise DuplicateRoute(f"{self.name}: verb {verb!r} twice")
            self.payloads[verb] = Route(self.name, callback, func, self._access(role, action or verb), load,
                                        on_behalf)
            return func
        return register

    def state(self, name: str, max_length: int | None = None, role: Any = None,
              action: str | None = None, on_behalf: bool = False) -> Callable[[TextHandler], TextHandler]:
        """Handle free text while the dialog expects `name` (optionally longer text than usual)."""
        def register(func: TextHandler) -> TextHandler:
            if name in self.states:
                raise DuplicateRoute(f"{self.name}: state {name!r} twice")
            self.states[name] = StateRoute(self.name, func, max_length, self._access(role, action or name),
                                           on_behalf)
            return func
        return register

    def fallback(self, func: TextHandler) -> TextHandler:
        """Declare the answer to free text no state expects (one in the whole app)."""
        self.fallbacks.append(func)
        return func

    def menu(self, order: int, text_key: str, callback: Any, where: str = MORE,
             shown_to: Callable[[Context], bool] | None = None) -> None:
        """Put an entry on the main menu ("main") or under 更多服务 ("more"), for everyone or for
        those `shown_to` says (staff entries)."""
        self.menu_items[where].append(MenuItem(order, text_key, packed(callback), shown_to))

    def keywords(self, words: Iterable[str], callback: Any, argument: bool = False) -> None:
        """Typed words that mean a button; with argument, "绑定 123456" → "link:123456"."""
        table, value = ((self.argument_words, callback.prefix) if argument
                        else (self.words, packed(callback)))
        for word in words:
            if word in table:
                raise DuplicateRoute(f"{self.name}: keyword {word!r} twice")
            table[word] = value


def _merge(into: dict, more: dict, what: str, owners: dict, owner: str) -> None:
    for key, value in more.items():
        if key in into:
            raise DuplicateRoute(f"{what} {key!r} is declared by both {owners[key]} and {owner}")
        into[key] = value
        owners[key] = owner


class Routes:
    """Every router of the app put together; built once, at start."""

    def __init__(self, routers: Iterable[Router]):
        self.routers = [router for top in routers for router in top.walk()]
        self.payloads: dict[str, Route] = {}
        self.states: dict[str, StateRoute] = {}
        self.words: dict[str, str] = {}
        self.argument_words: dict[str, str] = {}
        items: dict[str, list[MenuItem]] = {MAIN: [], MORE: []}
        fallbacks: list[tuple[str, TextHandler]] = []
        owners: dict[str, dict[str, str]] = {}
        for router in self.routers:
            for what, into, more in (("verb", self.payloads, router.payloads),
                                     ("state", self.states, router.states),
                                     ("keyword", self.words, router.words),
                                     ("keyword with argument", self.argument_words, router.argument_words)):
                _merge(into, more, what, owners.setdefault(what, {}), router.name)
            for where, entries in router.menu_items.items():
                items[where].extend(entries)
            fallbacks += [(router.name, f) for f in router.fallbacks]
        if len(fallbacks) > 1:
            raise DuplicateRoute(f"fallback declared by {[name for name, _ in fallbacks]}")
        self.fallback = fallbacks[0][1] if fallbacks else None
        self.menu_items = {where: sorted(entries) for where, entries in items.items()}

    def dispatch(self, ctx: Context, payload: str) -> list[Reply] | None:
        """The replies to a button, or None when the data is not ours (unknown, forged, stale)."""
        verb, args = split_payload(payload)
        route = self.payloads.get(verb)
        if route is None or any(map(unreadable_number, args)):
            return None
        try:
            data = route.callback.from_args(args)
        except BadCallback:
            return None
        ctx.expect = ""
        if ctx.acting is not None and not route.on_behalf:
            return [not_on_behalf(ctx)]
        return as_list(route.run(ctx, data))

    def answer_text(self, ctx: Context, text: str) -> list[Reply] | None:
        """The replies to free text: the expected state's handler, else the fallback (None: none)."""
        state = self.states.get(ctx.expect)
        if state is not None:
            if ctx.acting is not None and not state.on_behalf:
                ctx.expect = ""
                return [not_on_behalf(ctx)]
            return as_list(state.run(ctx, text))
        return self.fall_back(ctx, text)

    def fall_back(self, ctx: Context, text: str) -> list[Reply] | None:
        """The app's answer to free text nothing else takes."""
        return as_list(self.fallback(ctx, text)) if self.fallback else None

    def on_behalf(self, payload: str) -> bool:
        """True when the button may be pressed in 代办."""
        route = self.payloads.get(split_payload(payload)[0])
        return route is not None and route.on_behalf

    def expects_text(self, expect: str) -> bool:
        """True when a router takes free text in this state."""
        return expect in self.states

    def text_limit(self, expect: str, default: int) -> int:
        """How long free text may be in this state."""
        state = self.states.get(expect)
        return (state.max_length if state and state.max_length else None) or default

    def keyword_payload(self, text: str) -> str | None:
        """The payload of a typed keyword or command."""
        return keyword_payload(text, self.words, self.argument_words)

    def argument_payload(self, text: str) -> str | None:
        """The payload of a keyword typed with its argument."""
        return argument_payload(text, self.argument_words)

    def menu(self, where: str) -> list[MenuItem]:
        """The entries of the main menu or of 更多服务, in order."""
        return self.menu_items[where]


def fallback(ctx: Context, text: str) -> list[Reply]:
    """Free text a flow does not take (a stale step): answered as the app answers any free text."""
    return ctx.services.routes.fall_back(ctx, text) or []


def as_list(result: Result) -> list[Reply]:
    """Handlers may return one reply or several."""
    return [result] if isinstance(result, Reply) else list(result)
