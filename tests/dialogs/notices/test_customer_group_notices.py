"""A grid worker's notice to WeCom customer groups in the conversation: counted like any group in
the preview, queued as one 群发 task per owner, and the report shows 待确认, 已发送 and 失败."""
from __future__ import annotations

from sqlmodel import select

from bot.handlers.console import ConsoleChat
from bot.messages import Reply
from store.customer_groups import bind_customer_group, record_results, record_synced, task_created
from store.models import CustomerGroupTask, OutboxMessage
from store.models.customer_groups import FAILED, SENT
from store.roles import new_invite
from tests.conftest import START

GROUPS = [{"chat_id": "wrA", "name": "幸福一群", "owner": "laoli", "member_count": 120},
          {"chat_id": "wrB", "name": "幸福二群", "owner": "laoli", "member_count": 90}]


def grid_worker(dialogs, db) -> ConsoleChat:
    with db.session() as s:
        code = new_invite(s, "grid_staff", "幸福社区", now=START).code
        record_synced(s, GROUPS, START)
        for chat in ("wrA", "wrB"):
            bind_customer_group(s, chat, "幸福社区", "", START)
    chat = ConsoleChat(dialogs, "grid-1")
    chat.say("/start")
    assert "网格员" in chat.say(f"邀请码 {code}")
    return chat


def test_a_notice_to_two_customer_groups_of_one_owner_is_one_task_and_the_report_follows_it(dialogs, sqlite_db):
    chat = grid_worker(dialogs, sqlite_db)
    chat.say("发通知")
    targets = chat.say("周六上午义诊，请带医保卡。")
    assert "幸福社区（全部 2 个群）" in targets
    chat.say("1")
    chat.say("1")  # 现在发送
    preview = chat.say("1")  # 普通通知
    assert "群聊：2 个" in preview
    assert "已安排发送：2 个群" in chat.say("1")
    with sqlite_db.session() as s:
        [row] = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "notice")).all()
        [task] = s.exec(select(CustomerGroupTask)).all()
        assert row.idem_key == task.outbox_key and task.owner == "laoli"
    report = chat.say("/notices")
    assert "等待 2" in report
    report = chat.say("1")
    assert "⏳ 幸福一群（客户群）：待确认" in report and "⏳ 幸福二群（客户群）：待确认" in report

    with sqlite_db.session() as s:  # what the outbox and the watch record once WeCom answers
        row = s.get(OutboxMessage, row.id)
        row.status = "sent"
        s.add(row)
        task_created(s, task.outbox_key, "msg1", Reply("请确认").to_dict(), [], START)
    listing = chat.say("/notices")
    assert "待群主确认 2" in listing
    with sqlite_db.session() as s:
        record_results(s, task.id, {"wrA": SENT, "wrB": FAILED}, START)
    report = chat.say("1")
    assert "✅ 幸福一群（客户群）：已发送" in report
    assert "❌ 幸福二群（客户群）：失败，企业微信未能发到这个群\n" in report
    assert "已送达 1，失败 1，等待 0" in report
