"""Notices to WeCom customer groups (客户群): synced and bound by the CLI, one 群发 task per owning
grid worker created by the outbox, the worker told to confirm, and the outcome read per group."""
from __future__ import annotations

import asyncio
import io

import pytest
from sqlmodel import select

from bot.app import build_service
from bot.cli.group.customers import print_customer_groups, run_bind, run_contact_way, run_sync
from bot.dialogs.engine import Dialogs
from bot.handlers.wecom.client import build_api
from bot.handlers.wecom.customer_groups import TaskWatch
from bot.messages import Reply
from store.models import (CommunityGroup, ContactWay, CustomerGroup, CustomerGroupTask, ExternalContact,
                          OutboxMessage)
from store.models.outbox import DEAD, FAILED
from store.notices import (AWAITING_CONFIRMATION, DELIVERED, FAILED_FOR_GOOD, Target, create_notice,
                           delivery_report)
from store.people import get_or_create_account
from store.roles import grant_role
from tests.fakes.wecom_stack import wecom_settings, wecom_stack


@pytest.fixture
def conf(wecom_fake, settings):
    return wecom_settings(settings, wecom_fake.base_url)


def cli_api(conf, db):
    """A client of its own for a command run in a thread (its own event loop)."""
    api = build_api(conf.wecom, db)
    api.limiter = None
    return api


async def run_in_thread(command, *args):
    """Run a CLI command as its process would (asyncio.run inside), while the fake serves here."""
    out, err = io.StringIO(), io.StringIO()
    code = await asyncio.to_thread(command, *args, out, err)
    return code, out.getvalue(), err.getvalue()


def grid_worker(db, userid: str, community: str) -> int:
    with db.session() as s:
        account, _ = get_or_create_account(s, "wecom", userid)
        grant_role(s, account.resident_id, "grid_staff", community)
        return account.resident_id


def notice(db, clock, author: int, community: str = "和平社区") -> int:
    with db.session() as s:
        return create_notice(s, author_id=author, text="周六义诊", target=Target("community", community),
                             send_at=clock.now(), urgent=False,
                             payload=Reply("【和平社区通知】\n周六义诊").to_dict(), now=clock.now()).id


def outcomes(db, notice_id: int) -> list[tuple[str, str]]:
    with db.session() as s:
        return [(d.group.title, d.outcome) for d in delivery_report(s, notice_id).deliveries]


async def synced_and_bound(wecom_fake, conf, db) -> None:
    wecom_fake.add_customer_group("wrA", "和平一群", "laoli", members=120)
    wecom_fake.add_customer_group("wrB", "和平二群", "laoli", members=80)
    wecom_fake.add_customer_group("wrX", "别人的群", "someone")
    code, out, _ = await run_in_thread(run_sync, cli_api(conf, db), db)
    assert code == 0
    assert "客户群 2 个（新发现 2 个）" in out
    assert "1\twrA\t和平一群\t群主 laoli\t120 人\t未绑定" in out
    for chat in ("wrA", "wrB"):
        assert run_bind(db, chat, "和平社区", "", io.StringIO(), io.StringIO()) == 0


async def test_a_notice_to_two_groups_of_one_worker_is_one_task_confirmed_in_wecom(
        wecom_fake, conf, sqlite_db, clock):
    laoli = grid_worker(sqlite_db, "laoli", "和平社区")
    await synced_and_bound(wecom_fake, conf, sqlite_db)
    notice_id = notice(sqlite_db, clock, laoli)
    service = build_service(conf, dialogs=Dialogs(sqlite_db, conf, clock))  # senders as serve has them
    result = await service.worker.drain()
    assert result.dead == 0
    [task] = wecom_fake.tasks_of("laoli")
    assert (task["chat_type"], task["chat_id_list"]) == ("group", ["wrA", "wrB"])
    assert task["text"]["content"] == "【和平社区通知】\n周六义诊"
    [told] = wecom_fake.texts("laoli")
    assert "2 个客户群（和平一群、和平二群）" in told and "群发助手" in told
    assert outcomes(sqlite_db, notice_id) == [("和平一群", AWAITING_CONFIRMATION), ("和平二群", AWAITING_CONFIRMATION)]

    watch = TaskWatch(service.senders["wecom_customer_group"].api, sqlite_db, clock, every=0)
    assert await watch.check_once() == 0  # the worker has not confirmed yet
    wecom_fake.confirm_task(task["msgid"])
    assert await watch.check_once() == 2
    assert outcomes(sqlite_db, notice_id) == [("和平一群", DELIVERED), ("和平二群", DELIVERED)]
    with sqlite_db.session() as s:
        assert s.exec(select(CustomerGroupTask.msgid)).all() == [task["msgid"]]


async def test_a_task_row_sent_again_after_a_crash_makes_no_second_task(wecom_fake, conf, sqlite_db, clock):
    laoli = grid_worker(sqlite_db, "laoli", "和平社区")
    await synced_and_bound(wecom_fake, conf, sqlite_db)
    notice_id = notice(sqlite_db, clock, laoli)
    service = build_service(conf, dialogs=Dialogs(sqlite_db, conf, clock))
    sender = service.senders["wecom_customer_group"]
    key = f"notice:{notice_id}:task:laoli"
    await sender.send_keyed(key, "laoli", Reply("【和平社区通知】\n周六义诊"))
    await sender.send_keyed(key, "laoli", Reply("【和平社区通知】\n周六义诊"))  # the worker died before marking it
    assert len(wecom_fake.tasks_of("laoli")) == 1


async def test_wecom_refusing_the_task_reads_as_failed_and_a_busy_wecom_is_retried(
        wecom_fake, conf, sqlite_db, clock):
    laoli = grid_worker(sqlite_db, "laoli", "和平社区")
    await synced_and_bound(wecom_fake, conf, sqlite_db)
    first, second = notice(sqlite_db, clock, laoli), notice(sqlite_db, clock, laoli)
    wecom_fake.fail_next["externalcontact/add_msg_template"] += [45009, 41048]
    service = build_service(conf, dialogs=Dialogs(sqlite_db, conf, clock))
    result = await service.worker.tick()
    assert (result.retried, result.dead) == (1, 1)
    assert wecom_fake.group_tasks == {} and wecom_fake.texts("laoli") == []
    reports = {n: outcomes(sqlite_db, n) for n in (first, second)}
    assert sorted(map(tuple, reports.values())) == sorted([
        (("和平一群", FAILED_FOR_GOOD), ("和平二群", FAILED_FOR_GOOD)),
        (("和平一群", "waiting"), ("和平二群", "waiting"))])
    with sqlite_db.session() as s:
        statuses = sorted(s.exec(select(OutboxMessage.status)).all())
        assert statuses == [DEAD, FAILED]


async def test_sync_and_bind_refuse_bad_input_and_change_nothing(wecom_fake, conf, sqlite_db):
    code, _, err = await run_in_thread(run_sync, cli_api(conf, sqlite_db), sqlite_db)
    assert code == 2 and "没有绑定企业微信的网格员" in err
    grid_worker(sqlite_db, "laoli", "和平社区")
    wecom_fake.add_customer_group("wrA", "和平一群", "laoli")
    wecom_fake.fail_next["externalcontact/groupchat/get"].append(60011)
    code, _, err = await run_in_thread(run_sync, cli_api(conf, sqlite_db), sqlite_db)
    assert code == 1 and "未做任何更改" in err and "60011" in err
    err = io.StringIO()
    assert run_bind(sqlite_db, "wrA", "和平社区", "", io.StringIO(), err) == 2  # never synced
    assert "先运行 linli group sync" in err.getvalue()
    assert run_bind(sqlite_db, "wrA", " ", "", io.StringIO(), io.StringIO()) == 2
    with sqlite_db.session() as s:
        assert s.exec(select(CustomerGroup)).all() == [] and s.exec(select(CommunityGroup)).all() == []
    out = io.StringIO()
    print_customer_groups(sqlite_db, out)
    assert out.getvalue() == "还没有客户群。\n"


async def test_a_notice_to_an_unbound_customer_group_reaches_nobody(wecom_fake, conf, sqlite_db, clock):
    laoli = grid_worker(sqlite_db, "laoli", "和平社区")
    wecom_fake.add_customer_group("wrA", "和平一群", "laoli")
    assert (await run_in_thread(run_sync, cli_api(conf, sqlite_db), sqlite_db))[0] == 0
    notice_id = notice(sqlite_db, clock, laoli)
    assert outcomes(sqlite_db, notice_id) == []
    with sqlite_db.session() as s:
        assert s.exec(select(CustomerGroupTask)).all() == []


async def test_a_resident_added_by_a_contact_way_code_is_linked_to_its_community(
        wecom_fake, settings, sqlite_db, clock):
    async with wecom_stack(Dialogs(sqlite_db, settings, clock), settings, fake=wecom_fake) as stack:
        code, out, _ = await run_in_thread(run_contact_way, cli_api(stack.settings, sqlite_db), sqlite_db,
                                           "和平社区", "laoli")
        assert code == 0 and "https://wework.qpic.cn/fake/" in out
        [way] = wecom_fake.contact_ways
        assert (way["type"], way["scene"], way["user"]) == (1, 2, ["laoli"])
        xml = stack.callbacks.contact_added_xml("laoli", "wmRESIDENT1", way["state"])
        assert (await stack.callbacks.post(xml)).status == 200
        assert (await stack.callbacks.post(xml)).status == 200  # WeCom retries: linked once
        stranger = stack.callbacks.contact_added_xml("laoli", "wmSTRANGER", "not-ours")
        assert (await stack.callbacks.post(stranger)).status == 200
        await stack.channel.drain()
    with sqlite_db.session() as s:
        [linked] = s.exec(select(ExternalContact)).all()
        assert (linked.external_userid, linked.community, linked.added_by) == ("wmRESIDENT1", "和平社区", "laoli")


async def test_contact_way_refused_by_wecom_changes_nothing(wecom_fake, conf, sqlite_db):
    wecom_fake.fail_next["externalcontact/add_contact_way"].append(40098)
    code, _, err = await run_in_thread(run_contact_way, cli_api(conf, sqlite_db), sqlite_db, "和平社区", "laoli")
    assert code == 1 and "40098" in err
    code, _, err = await run_in_thread(run_contact_way, cli_api(conf, sqlite_db), sqlite_db, "", "laoli")
    assert code == 2
    with sqlite_db.session() as s:
        assert s.exec(select(ContactWay)).all() == []


async def test_an_outcome_wecom_will_not_give_leaves_the_groups_waiting_until_it_does(
        wecom_fake, conf, sqlite_db, clock):
    laoli = grid_worker(sqlite_db, "laoli", "和平社区")
    await synced_and_bound(wecom_fake, conf, sqlite_db)
    notice_id = notice(sqlite_db, clock, laoli)
    service = build_service(conf, dialogs=Dialogs(sqlite_db, conf, clock))
    await service.worker.drain()
    [task] = wecom_fake.tasks_of("laoli")
    wecom_fake.confirm_task(task["msgid"])
    wecom_fake.fail_next["externalcontact/get_groupmsg_send_result"].append(-1)
    watch = TaskWatch(service.senders["wecom_customer_group"].api, sqlite_db, clock, every=0)
    assert await watch.check_once() == 0
    assert outcomes(sqlite_db, notice_id) == [("和平一群", AWAITING_CONFIRMATION), ("和平二群", AWAITING_CONFIRMATION)]
    assert await watch.check_once() == 2
    assert outcomes(sqlite_db, notice_id) == [("和平一群", DELIVERED), ("和平二群", DELIVERED)]
