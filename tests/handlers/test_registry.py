"""The service is built from one channel registry, and every push the dialogs can owe has a sender."""
from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.app import build_service
from bot.handlers.channel import Channel, ChannelParts
from bot.handlers.registry import CHANNELS, ChannelMissing, build_channels, outbox_targets
from store.groups import WECOM_GROUP


def every_channel_on(settings):
    """Shipped settings with Telegram, WeCom and the 公众号 configured (hosts that are never called)."""
    return settings.model_copy(update={
        "telegram": settings.telegram.model_copy(update={
            "token": SecretStr("123:abc"), "base_url": "http://127.0.0.1:9/bot",
            "base_file_url": "http://127.0.0.1:9/file/bot"}),
        "wecom": settings.wecom.model_copy(update={
            "corp_id": "ww-test", "secret": SecretStr("s"), "token": SecretStr("t"),
            "encoding_aes_key": SecretStr("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"), "agent_id": "1000002",
            "api_base_url": "http://127.0.0.1:9/"}),
        "wechat": settings.wechat.model_copy(update={
            "app_id": "wx-test", "app_secret": SecretStr("s"), "token": SecretStr("t"),
            "api_base_url": "http://127.0.0.1:9/"}),
    })


def test_every_outbox_target_has_a_sender_when_every_channel_is_on(dialogs, settings):
    service = build_service(every_channel_on(settings), dialogs=dialogs)
    assert set(service.senders) == set(outbox_targets())
    assert {"telegram", "wecom", WECOM_GROUP, "web", "wechat"} <= set(service.senders)


def test_with_no_tokens_only_the_web_chat_runs(dialogs, settings):
    service = build_service(settings, dialogs=dialogs)
    assert [c.name for c in service.channels] == ["web"]
    assert set(service.senders) == {"web"}


def test_a_channel_without_a_sender_for_a_target_it_owns_refuses_to_start(dialogs, settings):
    broken = Channel("fax", ("fax", "fax_group"), lambda d, s: ChannelParts("fax", senders={"fax": object()}))
    with pytest.raises(ChannelMissing, match="fax_group"):
        build_channels(dialogs, settings, (*CHANNELS, broken))


def test_a_target_owned_by_two_channels_is_refused():
    twice = Channel("other", ("web",), lambda d, s: None)
    with pytest.raises(ChannelMissing, match="web"):
        outbox_targets((*CHANNELS, twice))


def test_replies_and_pushes_share_the_limits_every_worker_books(dialogs, settings):
    service = build_service(every_channel_on(settings), dialogs=dialogs)
    # The outbox sends with the Application's bot, the one its handlers answer turns with.
    assert service.senders["telegram"].bot.rate_limiter._shared.db is service.db
    assert service.senders["wecom"].api.limiter.shared.db is service.db
