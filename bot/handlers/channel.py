"""What a channel gives the service: its outbox senders, its web routes and its start and stop steps."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Optional

from aiohttp import web

from bot.dialogs.engine import Dialogs
from bot.handlers.inbox import Inbox
from bot.settings import Settings
from scheduler.senders import Sender

Setup = Callable[[web.Application], None]
Step = Callable[[], Awaitable[None]]


async def nothing() -> None:
    """A start or stop step with nothing to do."""


@dataclass
class ChannelParts:
    """One configured channel, as the service runs it."""

    name: str
    senders: dict[str, Sender] = field(default_factory=dict)  # outbox target kind → sender
    routes: list[Setup] = field(default_factory=list)         # added to the shared web app
    inboxes: list[Inbox] = field(default_factory=list)        # stored updates, swept by the service
    start: Step = nothing          # after the web server listens
    stop_intake: Step = nothing    # first on shutdown: take no new updates
    stop: Step = nothing           # after the web server stopped: finish updates in hand
    close: Step = nothing          # last, after the outbox tick stopped (its sends may use us)


Build = Callable[[Dialogs, Settings], Optional[ChannelParts]]


@dataclass(frozen=True)
class Channel:
    """A channel package's one export: its name, the outbox targets it owns, its builder.

    build returns None when the settings leave the channel off; when on, it must return a
    sender for every target it owns (the registry checks)."""

    name: str
    targets: tuple[str, ...]
    build: Build
