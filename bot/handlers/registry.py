"""Every channel the service can run, in one list: serve, the CLI and the tests build from it."""
from __future__ import annotations

from bot.dialogs.engine import Dialogs
from bot.handlers.channel import Channel, ChannelParts
from bot.handlers.telegram.channel import CHANNEL as TELEGRAM
from bot.handlers.web.channel import CHANNEL as WEB
from bot.handlers.wechat.channel import CHANNEL as WECHAT
from bot.handlers.wecom.channel import CHANNEL as WECOM
from bot.settings import Settings

CHANNELS: tuple[Channel, ...] = (WEB, TELEGRAM, WECOM, WECHAT)


class ChannelMissing(RuntimeError):
    """A channel is on but cannot deliver to a target it owns: the service must not start so."""


def outbox_targets(channels: tuple[Channel, ...] = CHANNELS) -> dict[str, str]:
    """Each outbox target kind and the channel that owns it; a kind owned twice fails."""
    owners: dict[str, str] = {}
    for channel in channels:
        for target in channel.targets:
            if target in owners:
                raise ChannelMissing(f"outbox target {target!r} owned by {owners[target]} and {channel.name}")
            owners[target] = channel.name
    return owners


def build_channels(dialogs: Dialogs, settings: Settings,
                   channels: tuple[Channel, ...] = CHANNELS) -> list[ChannelParts]:
    """The channels the settings turn on, each checked to send to every target it owns."""
    outbox_targets(channels)
    built = []
    for channel in channels:
        parts = channel.build(dialogs, settings)
        if parts is None:
            continue
        missing = set(channel.targets) - set(parts.senders)
        if missing:
            raise ChannelMissing(f"channel {channel.name} has no sender for {sorted(missing)}")
        built.append(parts)
    return built
