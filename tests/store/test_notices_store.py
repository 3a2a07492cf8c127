"""Groups, bind codes, notices and their delivery report in the store, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from store.groups import (bind_group, bind_wecom_group, group_joined, group_left, grids_of,
                          issue_bind_code, known_communities, reachable_groups)
from store.models import AuditEntry, ChannelAccount, Notice, NoticeSubscription, OutboxMessage, Resident
from store.models.notices import ALL, CANCELLED, COMMUNITY, GRID, SENT
from store.models.outbox import DEAD, HELD, PENDING, SKIPPED
from store.models.outbox import SENT as ROW_SENT
from store.notices import (DELIVERED, FAILED_FOR_GOOD, STOPPED, WAITING, Target, cancel_notice,
                           create_notice, delivery_report, queue_notice, queue_subscribers, recent_notices, subscribe,
                           subscriptions_of, target_groups, target_subscribers, unsubscribe)
from store.outbox import BATCH_ROWS
from store.people import get_or_create_account
from tests.conftest import START

NOW = START


def person(db, external_id: str) -> int:
    with db.session() as s:
        account, _ = get_or_create_account(s, "telegram", external_id, "王网格员")
        return account.resident_id


def bound_group(db, worker: int, chat_id: str, community: str, grid: str = "", title: str = "") -> int:
    with db.session() as s:
        code = issue_bind_code(s, worker, community, grid, NOW).code
    with db.session() as s:
        result = bind_group(s, code, worker, "telegram", chat_id, title or f"群{chat_id}", NOW)
        assert result.status == "bound"
        return result.group.id


@pytest.fixture
def worker(db):
    return person(db, "8001")


def test_a_bind_code_works_once_for_its_owner_within_30_minutes(db, worker):
    other = person(db, "8002")
    with db.session() as s:
        code = issue_bind_code(s, worker, "幸福社区", "第一网格", NOW).code
        late = issue_bind_code(s, worker, "幸福社区", "", NOW).code
    with db.session() as s:
        assert bind_group(s, code, other, "telegram", "-1001", "一群", NOW).status == "not_yours"
        assert bind_group(s, "NOSUCH", worker, "telegram", "-1001", "一群", NOW).status == "unknown"
        expired = bind_group(s, late, worker, "telegram", "-1002", "二群", NOW + timedelta(minutes=30))
        assert expired.status == "expired"
    with db.session() as s:
        done = bind_group(s, code.lower(), worker, "telegram", "-1001", "一群", NOW)
        assert done.status == "bound"
        assert (done.group.community, done.group.grid, done.group.active) == ("幸福社区", "第一网格", True)
    with db.session() as s:
        assert bind_group(s, code, worker, "telegram", "-1003", "三群", NOW).status == "used"
        actions = s.exec(select(AuditEntry.action)).all()
        assert {"group.bind", "group.bind_not_yours", "group.bind_used"} <= set(actions)
        [(group, account)] = reachable_groups(s, ["幸福社区"])
        assert (account.channel, account.external_id, group.title) == ("telegram", "-1001", "一群")
        assert s.get(Resident, account.resident_id).display_name == "一群"  # the placeholder resident
        assert grids_of(s, "幸福社区") == ["第一网格"]


def test_a_group_the_bot_left_is_skipped_until_bound_again(db, worker):
    bound_group(db, worker, "-1001", "幸福社区")
    with db.session() as s:
        group_left(s, "telegram", "-1001", NOW)
    with db.session() as s:
        assert reachable_groups(s, ["幸福社区"]) == []
        group = group_joined(s, "telegram", "-1001", "一群（新）", NOW)
        assert group.active is False and group.removed_at == NOW  # back in, but not bound yet
    bound_group(db, worker, "-1001", "幸福社区")
    with db.session() as s:
        [(group, account)] = reachable_groups(s, ["幸福社区"])
        assert group.removed_at is None and not account.unreachable


def test_targets_reach_grids_communities_and_subscribers(db, worker):
    bound_group(db, worker, "-1001", "幸福社区", "第一网格")
    bound_group(db, worker, "-1002", "幸福社区", "第二网格")
    bound_group(db, worker, "-1003", "和平社区")
    with db.session() as s:
        bind_wecom_group(s, "wxchat1", "和平社区", "", "和平社区通知群", None, NOW)
    residents = [person(db, str(9000 + n)) for n in range(3)]
    with db.session() as s:
        assert subscribe(s, residents[0], "幸福社区", NOW)
        assert not subscribe(s, residents[0], "幸福社区", NOW)
        subscribe(s, residents[1], "和平社区", NOW)
        subscribe(s, residents[2], "和平社区", NOW)
        subscribe(s, residents[2], "幸福社区", NOW)
        assert unsubscribe(s, residents[2], "幸福社区") and not unsubscribe(s, residents[2], "幸福社区")
    with db.session() as s:
        grid = Target(GRID, "幸福社区", "第二网格")
        assert [g.title for g, _ in target_groups(s, grid)] == ["群-1002"]
        assert target_subscribers(s, grid) == []  # grid notices stay in the grid's groups
        assert len(target_groups(s, Target(COMMUNITY, "和平社区"))) == 2
        assert target_subscribers(s, Target(COMMUNITY, "和平社区")) == sorted(residents[1:])
        assert len(target_groups(s, Target(ALL, communities=("幸福社区",)))) == 2
        assert len(target_groups(s, Target(ALL))) == 4
        assert target_subscribers(s, Target(ALL)) == sorted(residents)
        assert subscriptions_of(s, residents[2]) == ["和平社区"]
        assert {"幸福社区", "和平社区"} <= set(known_communities(s))


def test_a_notice_queues_one_row_per_group_and_subscriber(db, worker):
    first = bound_group(db, worker, "-1001", "幸福社区")
    second = bound_group(db, worker, "-1002", "幸福社区")
    fan = person(db, "9001")
    with db.session() as s:
        subscribe(s, fan, "幸福社区", NOW)
        notice = create_notice(s, author_id=worker, text="周六停水", target=Target(COMMUNITY, "幸福社区"),
                               send_at=NOW + timedelta(hours=3), urgent=True,
                               payload={"text": "【幸福社区通知】\n周六停水", "choices": []}, now=NOW)
        assert (notice.groups, notice.subscribers) == (2, 1)
        nid = notice.id
    with db.session() as s:
        rows = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [r.idem_key for r in rows] == [f"notice:{nid}:group:{first}", f"notice:{nid}:group:{second}",
                                              f"notice:{nid}:resident:{fan}"]
        assert all(r.urgent and r.due_at == NOW + timedelta(hours=3) and r.status == PENDING for r in rows)
        chats = s.exec(select(ChannelAccount).where(ChannelAccount.external_id.in_(["-1001", "-1002"])))
        assert {r.account_id for r in rows[:2]} == {a.id for a in chats} and rows[2].account_id is None
        sent = s.exec(select(AuditEntry).where(AuditEntry.action == "notice.send")).one()
        assert sent.target == f"notice:{nid}"
    with pytest.raises(ValueError):
        with db.session() as s:
            create_notice(s, author_id=worker, text="字" * 1001, target=Target(COMMUNITY, "幸福社区"),
                          send_at=NOW, urgent=False, payload={"text": "x"}, now=NOW)


def _mark(db, key_part: str, status: str, error: str = "") -> None:
    with db.session() as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.idem_key.contains(key_part))).one()
        row.status, row.last_error = status, error
        row.sent_at = NOW if status == ROW_SENT else None
        s.add(row)


def test_the_report_shows_each_group_and_cancelling_stops_what_has_not_gone(db, worker):
    first = bound_group(db, worker, "-1001", "幸福社区", title="一群")
    second = bound_group(db, worker, "-1002", "幸福社区", title="二群")
    third = bound_group(db, worker, "-1003", "幸福社区", title="三群")
    with db.session() as s:
        nid = create_notice(s, author_id=worker, text="周六义诊", target=Target(COMMUNITY, "幸福社区"),
                            send_at=NOW, urgent=False, payload={"text": "周六义诊"}, now=NOW).id
    _mark(db, f"group:{first}", ROW_SENT)
    _mark(db, f"group:{second}", DEAD, "unreachable: Forbidden: bot was kicked from the group chat")
    with db.session() as s:
        report = delivery_report(s, nid)
        assert [(d.group.title, d.outcome) for d in report.deliveries] == [
            ("一群", DELIVERED), ("二群", FAILED_FOR_GOOD), ("三群", WAITING)]
        assert "kicked" in report.deliveries[1].error and report.cancellable
        [(notice, counts)] = recent_notices(s, worker)
        assert (counts[DELIVERED], counts[FAILED_FOR_GOOD], counts[WAITING]) == (1, 1, 1)
    with db.session() as s:
        assert cancel_notice(s, nid, worker, NOW) == 1
    with db.session() as s:
        assert cancel_notice(s, nid, worker, NOW) is None
        report = delivery_report(s, nid)
        assert [d.outcome for d in report.deliveries] == [DELIVERED, FAILED_FOR_GOOD, STOPPED]
        assert report.notice.status == CANCELLED and not report.cancellable
        row = s.exec(select(OutboxMessage).where(OutboxMessage.idem_key.endswith(f"group:{third}"))).one()
        assert (row.status, row.last_error) == (SKIPPED, "cancelled")


def test_a_notice_with_nothing_left_waiting_counts_as_sent(db, worker):
    only = bound_group(db, worker, "-1001", "幸福社区")
    with db.session() as s:
        nid = create_notice(s, author_id=worker, text="通知", target=Target(COMMUNITY, "幸福社区"),
                            send_at=NOW, urgent=False, payload={"text": "通知"}, now=NOW).id
    _mark(db, f"group:{only}", ROW_SENT)
    with db.session() as s:
        assert delivery_report(s, nid).notice.status == SENT
        assert cancel_notice(s, nid, worker, NOW) is None
    with db.session() as s:
        assert s.get(Notice, nid).status == SENT


def test_a_notice_held_for_a_wechat_follower_shows_as_waiting_and_can_be_cancelled(db, worker):
    only = bound_group(db, worker, "-1001", "幸福社区")
    with db.session() as s:
        nid = create_notice(s, author_id=worker, text="周六停水", target=Target(COMMUNITY, "幸福社区"),
                            send_at=NOW, urgent=False, payload={"text": "周六停水"}, now=NOW).id
    _mark(db, f"group:{only}", HELD, "outside WeChat's 48-hour window")
    with db.session() as s:
        [delivery] = delivery_report(s, nid).deliveries
        assert delivery.outcome == WAITING and "48-hour" in delivery.error
    with db.session() as s:
        assert cancel_notice(s, nid, worker, NOW) == 1


def _subscribers(db, n: int, community: str) -> list[int]:
    with db.session() as s:
        residents = [Resident(display_name=f"居民{i}") for i in range(n)]
        s.add_all(residents)
        s.flush()
        ids = [r.id for r in residents]
        s.add_all([NoticeSubscription(resident_id=rid, community=community, created_at=NOW) for rid in ids])
    return ids


def test_a_large_notice_is_queued_in_two_statements_once_even_when_queued_again(db, worker):
    groups = [bound_group(db, worker, f"-10{n:02d}", "幸福社区") for n in range(3)]
    fans = _subscribers(db, 2 * BATCH_ROWS + 7, "幸福社区")
    inserts = []

    def count_inserts(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO OUTBOX"):
            inserts.append(statement)

    event.listen(db.engine, "before_cursor_execute", count_inserts)
    try:
        with db.session() as s:
            notice = create_notice(s, author_id=worker, text="周六停水", target=Target(COMMUNITY, "幸福社区"),
                                   send_at=NOW, urgent=False, payload={"text": "周六停水"}, now=NOW)
            assert (notice.groups, notice.subscribers) == (3, len(fans))
            nid = notice.id
    finally:
        event.remove(db.engine, "before_cursor_execute", count_inserts)
    assert len(inserts) == 2  # the groups in one batch; the subscribers by one INSERT … SELECT

    with db.session() as s:  # queued again (a retried step): nothing new, nothing doubled
        again = s.get(Notice, nid)
        recipients = [(f"notice:{nid}:resident:{rid}", rid, None) for rid in fans]
        assert queue_notice(s, again, recipients, {"text": "周六停水"}) == 0
        assert queue_subscribers(s, again, Target(COMMUNITY, "幸福社区"), {"text": "周六停水"}) == 0
    with db.session() as s:
        keys = s.exec(select(OutboxMessage.idem_key).where(OutboxMessage.idem_key.startswith(f"notice:{nid}:"))).all()
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.idem_key.startswith(f"notice:{nid}:"))).all()
    assert len(keys) == len(set(keys)) == len(fans) + len(groups)
    assert set(keys) == ({f"notice:{nid}:resident:{rid}" for rid in fans}
                         | {f"notice:{nid}:group:{gid}" for gid in groups})
    assert all(r.status == PENDING and r.kind == "notice" and r.due_at == NOW and r.attempts == 0
               and not r.urgent and r.payload == '{"text": "周六停水"}' and r.lease_until is None for r in rows)
    assert {r.resident_id for r in rows if ":resident:" in r.idem_key} == set(fans)
