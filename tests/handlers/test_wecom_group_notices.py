"""Grid notices to WeCom application group chats: created bound by the CLI, delivered by the outbox."""
from __future__ import annotations

import io

import pytest
from sqlmodel import select

from bot.messages import Reply
from bot.cli.group import create_wecom_group, print_groups, run_create
from bot.handlers.wecom.client import build_api
from bot.app import build_service
from bot.dialogs.engine import Dialogs
from scheduler.senders import FATAL, UNREACHABLE, SendError
from bot.handlers.wecom.group_sender import WecomGroupSender
from store.models import OutboxMessage
from store.models.outbox import DEAD, SENT
from store.notices import Target, create_notice
from store.people import get_or_create_account
from tests.conftest import START
from tests.fakes.wecom_stack import wecom_settings


@pytest.fixture
def group_api(wecom_fake, settings, sqlite_db):
    api = build_api(wecom_settings(settings, wecom_fake.base_url).wecom, sqlite_db)
    api.limiter = None
    return api


async def test_a_created_group_is_bound_and_gets_the_community_notice(wecom_fake, group_api, sqlite_db,
                                                                     settings, clock):
    first = await create_wecom_group(group_api, sqlite_db, "和平社区", "第一网格", "laoli",
                                     ["laowang", "xiaozhang"])
    second = await create_wecom_group(group_api, sqlite_db, "和平社区", "", "laoli", ["laozhao"], "和平大群")
    assert wecom_fake.chats[first]["name"] == "和平社区第一网格通知群"
    out = io.StringIO()
    print_groups(sqlite_db, out=out)
    assert "企业微信\t" + first + "\t和平社区\t第一网格\t和平社区第一网格通知群\t正常" in out.getvalue()
    del wecom_fake.chats[second]  # dissolved in WeCom
    with sqlite_db.session() as s:
        author, _ = get_or_create_account(s, "wecom", "laoli")
        create_notice(s, author_id=author.resident_id, text="周六义诊", target=Target("community", "和平社区"),
                      send_at=clock.now(), urgent=False, payload=Reply("【和平社区通知】\n周六义诊").to_dict(),
                      now=clock.now())
    conf = wecom_settings(settings, wecom_fake.base_url)
    worker = build_service(conf, dialogs=Dialogs(sqlite_db, conf, clock)).worker  # senders as serve has them
    result = await worker.drain()
    assert (result.sent, result.dead) == (1, 1)
    assert [m["text"]["content"] for m in wecom_fake.chat_messages[first]] == ["【和平社区通知】\n周六义诊"]
    with sqlite_db.session() as s:
        dead = s.exec(select(OutboxMessage).where(OutboxMessage.status == DEAD)).one()
        assert "86003" in dead.last_error
        assert s.exec(select(OutboxMessage).where(OutboxMessage.status == SENT)).one().due_at == START


async def test_group_sender_sorts_errors(wecom_fake, group_api):
    sender = WecomGroupSender(group_api)
    with pytest.raises(SendError) as gone:
        await sender.send("nosuchchat", Reply("你好"))
    assert gone.value.kind == UNREACHABLE
    wecom_fake.chats["c1"] = {"userlist": ["a", "b"]}
    wecom_fake.fail_next["appchat/send"].append(40008)
    with pytest.raises(SendError) as bad:
        await sender.send("c1", Reply("你好"))
    assert bad.value.kind == FATAL


def test_create_refuses_bad_input_and_changes_nothing(group_api, sqlite_db, wecom_fake):
    err = io.StringIO()
    assert run_create(group_api, sqlite_db, "和平社区", "", "laoli", "", err=err) == 2
    assert "至少要有两个人" in err.getvalue()
    assert run_create(group_api, sqlite_db, " ", "", "laoli", "a,b", err=io.StringIO()) == 2
    assert wecom_fake.chats == {}
