"""Customer groups in the store: syncing, binding, one 群发 task per owner, outcomes per group,
and residents linked to a community by a 联系我 state; on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlmodel import select

from bot.messages import Reply
from store.customer_groups import (CUSTOMER_CHAT, EXTERNAL, TASK_TARGET, bind_customer_group, grid_workers_on_wecom,
                                   link_external_contact, open_tasks, record_contact_way, record_results,
                                   record_synced, synced_groups, task_created, task_of_key)
from store.models import (ChannelAccount, CommunityGroup, CustomerGroupSend, CustomerGroupTask, ExternalContact,
                          OutboxMessage)
from store.models.customer_groups import FAILED, SENT, WAITING
from store.models.notices import COMMUNITY
from store.notices import (AWAITING_CONFIRMATION, DELIVERED, FAILED_FOR_GOOD, Target, create_notice,
                           delivery_report, recent_notices)
from store.people import get_or_create_account
from store.roles import grant_role
from tests.conftest import START

NOW = START
GROUPS = [{"chat_id": "wrA", "name": "和平一群", "owner": "laoli", "member_count": 120},
          {"chat_id": "wrB", "name": "和平二群", "owner": "laoli", "member_count": 80},
          {"chat_id": "wrC", "name": "幸福群", "owner": "xiaozhang", "member_count": 40}]


def synced(db) -> None:
    with db.session() as s:
        assert record_synced(s, GROUPS, NOW) == 3


def notice_to(db, community: str) -> int:
    with db.session() as s:
        author, _ = get_or_create_account(s, "wecom", "laoli")
        notice = create_notice(s, author_id=author.resident_id, text="周六义诊", target=Target(COMMUNITY, community),
                               send_at=NOW, urgent=False, payload=Reply("【和平社区通知】\n周六义诊").to_dict(), now=NOW)
        return notice.id


def test_a_sync_saves_groups_and_a_second_sync_updates_them(db):
    synced(db)
    with db.session() as s:
        again = record_synced(s, [{**GROUPS[0], "name": "和平一群（新）", "member_count": 130}], NOW)
        assert again == 0
    with db.session() as s:
        rows = {g.chat_id: (g.name, g.owner, g.member_count, bound) for g, bound in synced_groups(s)}
    assert rows["wrA"] == ("和平一群（新）", "laoli", 130, None)
    assert set(rows) == {"wrA", "wrB", "wrC"}


def test_only_grid_staff_with_a_wecom_account_are_synced(db):
    with db.session() as s:
        laoli, _ = get_or_create_account(s, "wecom", "laoli")
        grant_role(s, laoli.resident_id, "grid_staff", "和平社区")
        other, _ = get_or_create_account(s, "wecom", "resident1")
        tg, _ = get_or_create_account(s, "telegram", "42")
        grant_role(s, tg.resident_id, "grid_staff", "和平社区")
    with db.session() as s:
        assert grid_workers_on_wecom(s) == ["laoli"]


def test_binding_an_unknown_chat_id_changes_nothing(db):
    synced(db)
    with db.session() as s:
        assert bind_customer_group(s, "wrNOPE", "和平社区", "", NOW) is None
    with db.session() as s:
        assert s.exec(select(CommunityGroup)).all() == []


def test_a_notice_to_two_groups_of_one_owner_is_one_task(db):
    synced(db)
    with db.session() as s:
        for chat in ("wrA", "wrB", "wrC"):
            bind_customer_group(s, chat, "和平社区", "", NOW)
    notice_id = notice_to(db, "和平社区")
    with db.session() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.idem_key.startswith(f"notice:{notice_id}:"))).all()
        tasks = s.exec(select(CustomerGroupTask).order_by(CustomerGroupTask.owner)).all()
        assert sorted(r.idem_key for r in rows) == [f"notice:{notice_id}:task:laoli",
                                                   f"notice:{notice_id}:task:xiaozhang"]
        lines = {s.get(ChannelAccount, r.account_id).external_id: s.get(ChannelAccount, r.account_id).channel
                 for r in rows}
        assert lines == {"laoli": TASK_TARGET, "xiaozhang": TASK_TARGET}
        assert [t.owner for t in tasks] == ["laoli", "xiaozhang"]
        task, chats = task_of_key(s, f"notice:{notice_id}:task:laoli")
        assert chats == ["wrA", "wrB"]
        report = delivery_report(s, notice_id)
        assert report.notice.groups == 3
        assert [(d.group.title, d.outcome, d.customer) for d in report.deliveries] == [
            ("和平一群", "waiting", True), ("和平二群", "waiting", True), ("幸福群", "waiting", True)]


def test_a_created_task_waits_for_confirmation_then_reads_sent_and_failed(db):
    synced(db)
    with db.session() as s:
        bind_customer_group(s, "wrA", "和平社区", "", NOW)
        bind_customer_group(s, "wrB", "和平社区", "", NOW)
    notice_id = notice_to(db, "和平社区")
    key = f"notice:{notice_id}:task:laoli"
    with db.session() as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.idem_key == key)).one()
        row.status = "sent"
        s.add(row)
        task_created(s, key, "msg1", Reply("请确认").to_dict(), [], NOW)
        task_created(s, key, "msg2", Reply("请确认").to_dict(), [], NOW)  # a second send keeps the first
    with db.session() as s:
        task, _ = task_of_key(s, key)
        assert task.msgid == "msg1"
        confirm = s.exec(select(OutboxMessage).where(OutboxMessage.idem_key == f"{key}:confirm")).one()
        assert s.get(ChannelAccount, confirm.account_id).external_id == "laoli"
        assert [t.id for t in open_tasks(s, NOW)] == [task.id]
        report = delivery_report(s, notice_id)
        assert [d.outcome for d in report.deliveries] == [AWAITING_CONFIRMATION] * 2
        assert record_results(s, task.id, {"wrA": SENT, "wrB": FAILED}, NOW) == 2
    with db.session() as s:
        report = delivery_report(s, notice_id)
        assert [d.outcome for d in report.deliveries] == [DELIVERED, FAILED_FOR_GOOD]
        assert open_tasks(s, NOW) == []
        [(notice, counts)] = recent_notices(s, report.notice.author_id)
        assert (counts[DELIVERED], counts[FAILED_FOR_GOOD], counts[WAITING]) == (1, 1, 0)


def test_a_dead_task_row_fails_every_group_of_it(db):
    synced(db)
    with db.session() as s:
        bind_customer_group(s, "wrA", "和平社区", "", NOW)
    notice_id = notice_to(db, "和平社区")
    with db.session() as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.idem_key.contains(":task:"))).one()
        row.status, row.last_error = "dead", "wecom 41048: sender not allowed"
        s.add(row)
    with db.session() as s:
        [delivery] = delivery_report(s, notice_id).deliveries
        assert (delivery.outcome, delivery.error) == (FAILED_FOR_GOOD, "wecom 41048: sender not allowed")
        assert s.exec(select(CustomerGroupSend.status)).all() == [WAITING]


def test_a_contact_added_by_our_state_is_linked_to_the_community_and_others_are_not(db):
    with db.session() as s:
        record_contact_way(s, "linli-abc", "和平社区", "laoli", "cfg1", "https://qr", NOW)
    with db.session() as s:
        assert link_external_contact(s, "wmX", "laoli", "other-state", NOW) is None
        assert link_external_contact(s, "wmX", "laoli", "", NOW) is None
    with db.session() as s:
        assert s.exec(select(ExternalContact)).all() == []
        linked = link_external_contact(s, "wmY", "laoli", "linli-abc", NOW)
        assert (linked.community, linked.added_by) == ("和平社区", "laoli")
        account = s.get(ChannelAccount, linked.account_id)
        assert (account.channel, account.external_id) == (EXTERNAL, "wmY")


def test_a_bound_customer_group_is_a_community_group_on_its_own_channel(db):
    synced(db)
    with db.session() as s:
        group = bind_customer_group(s, "wrA", "和平社区", "第一网格", NOW)
        assert s.get(ChannelAccount, group.account_id).channel == CUSTOMER_CHAT
        assert (group.community, group.grid, group.active, group.title) == ("和平社区", "第一网格", True, "和平一群")
