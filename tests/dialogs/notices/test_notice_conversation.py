"""A grid worker's notices as a conversation: compose, preview, send, schedule, report, cancel;
binding groups by code; residents subscribing in private chat."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.dialogs.notices.groups import handle_in_group
from bot.messages import Incoming
from bot.handlers.console import ConsoleChat
from store.groups import bind_group, issue_bind_code, reachable_groups
from store.models import AuditEntry, CommunityGroup, OutboxMessage
from store.models.outbox import DEAD, PENDING, SKIPPED
from store.people import find_account
from store.roles import new_invite
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due

KICKED = "Forbidden: bot was kicked from the group chat"


def count_rows(db, **where) -> int:
    with db.session() as s:
        query = select(OutboxMessage).where(OutboxMessage.kind == "notice")
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return len(s.exec(query).all())


def add_group(db, resident_id: int, chat_id: str, community: str, grid: str, title: str) -> None:
    with db.session() as s:
        code = issue_bind_code(s, resident_id, community, grid, START).code
    with db.session() as s:
        assert bind_group(s, code, resident_id, "telegram", chat_id, title, START).status == "bound"


def resident_id_of(db, user_id: str) -> int:
    with db.session() as s:
        return find_account(s, "console", user_id).resident_id


@pytest.fixture
def worker(dialogs, sqlite_db):
    """A grid worker of 幸福社区 (by invite code), with two groups in two grids and one subscriber."""
    with sqlite_db.session() as s:
        code = new_invite(s, "grid_staff", "幸福社区", now=START).code
    chat = ConsoleChat(dialogs, "grid-1")
    chat.say("/start")
    assert "网格员" in chat.say(f"邀请码 {code}")
    me = resident_id_of(sqlite_db, "grid-1")
    add_group(sqlite_db, me, "-1001", "幸福社区", "第一网格", "幸福一网格群")
    add_group(sqlite_db, me, "-1002", "幸福社区", "第二网格", "幸福二网格群")
    fan = ConsoleChat(dialogs, "fan-1")
    fan.say("/start")
    screen = fan.say("订阅通知")
    assert "订阅：幸福社区" in screen
    assert "已订阅幸福社区的通知" in fan.say("1")
    return chat


def compose(chat: ConsoleChat, text: str, target: str) -> str:
    """Start a notice, type it, pick a target by its label; the when-question."""
    assert "请输入通知内容" in chat.say("发通知")
    targets = chat.say(text)
    assert "发给哪些群" in targets
    number = next(line.split(".")[0] for line in targets.splitlines() if target in line)
    return chat.say(number)


def test_a_resident_cannot_send_notices_and_the_attempt_is_audited(dialogs, sqlite_db):
    chat = ConsoleChat(dialogs, "resident-1")
    chat.say("/start")
    for word in ("/notice", "发通知", "/notices", "/bindcode"):
        assert "只对工作人员开放" in chat.say(word)
    with sqlite_db.session() as s:
        refused = s.exec(select(AuditEntry.target).where(AuditEntry.action == "refused")).all()
    assert refused == ["notice.compose", "notice.compose", "notice.list", "group.bindcode"]
    assert count_rows(sqlite_db) == 0


def test_preview_shows_what_residents_see_and_nothing_goes_before_confirming(worker, dialogs, sqlite_db):
    targets_when = compose(worker, "本周六上午9点社区广场义诊，请带医保卡。", "幸福社区（全部 2 个群）")
    assert "什么时候发" in targets_when
    assert "是紧急通知吗" in worker.say("1")  # 现在发送
    preview = worker.say("1")  # 普通通知
    for line in ("【幸福社区通知】\n本周六上午9点社区广场义诊，请带医保卡。", "群聊：2 个",
                 "私聊订阅的居民：1 位", "发送时间：立即", "1. 确认发送"):
        assert line in preview
    assert count_rows(sqlite_db) == 0
    done = worker.say("1")
    assert "已安排发送：2 个群，1 位订阅居民" in done
    assert count_rows(sqlite_db, status=PENDING) == 3
    again = dialogs.handle(Incoming("console", "grid-1", payload="ntok"))  # an old button pressed again
    assert "草稿已经过期" in again[0].text and count_rows(sqlite_db) == 3
    [(kind, reply)] = deliver_due(dialogs, "fan-1")
    assert kind == "notice" and reply.text.startswith("【幸福社区通知】\n本周六上午9点")


def test_a_grid_notice_reaches_only_that_grid(worker, sqlite_db):
    compose(worker, "1号楼明天停电", "幸福社区·第二网格（1 个群）")
    worker.say("1")
    preview = worker.say("2")  # 紧急通知
    assert "【紧急通知｜幸福社区·第二网格】" in preview and "群聊：1 个" in preview
    assert "私聊订阅的居民：0 位" in preview
    worker.say("1")
    with sqlite_db.session() as s:
        [row] = s.exec(select(OutboxMessage)).all()
        group = s.exec(select(CommunityGroup).where(CommunityGroup.account_id == row.account_id)).one()
        assert group.title == "幸福二网格群" and row.urgent


def test_the_time_must_be_readable_and_in_the_future(worker, dialogs, clock, sqlite_db):
    compose(worker, "周四下午书法展", "幸福社区（全部 2 个群）")
    assert "请输入发送时间" in worker.say("2")
    assert "没看懂这个时间" in worker.say("过几天吧")
    assert "已经过了" in worker.say("今天 07:00")  # it is 08:00 in Shanghai
    assert "最多只能提前 30 天" in worker.say("2027年3月1日 9:00")
    assert "是紧急通知吗" in worker.say("明天 23:00")
    preview = worker.say("1")
    assert "发送时间：12月2日（周三）23:00（夜间不打扰，将在 12月3日（周四）08:00 发出）" in preview
    worker.say("1")
    with sqlite_db.session() as s:
        due = {r.due_at for r in s.exec(select(OutboxMessage)).all()}
    assert due == {START + timedelta(days=1, hours=15)}  # 23:00 in Shanghai; the outbox holds it till 08:00


def test_notices_list_report_and_cancel_before_it_goes(worker, dialogs, clock, sqlite_db):
    compose(worker, "周五晚上社区电影", "幸福社区（全部 2 个群）")
    worker.say("2")
    worker.say("明天 18:00")
    worker.say("1")
    worker.say("1")
    listing = worker.say("/notices")
    assert "12月2日（周三）18:00 幸福社区：周五晚上社区电影" in listing
    assert "已送达 0，失败 0，等待 3" in listing
    report = worker.say("1")
    assert "⏳ 幸福一网格群：等待发送（12月2日（周三）18:00）" in report
    assert "私聊订阅居民 1 位" in report and "取消这条通知" in report
    assert "确定取消这条通知吗" in worker.say("1")
    assert "已取消，还有 3 处不会再发送" in worker.say("1")
    assert count_rows(sqlite_db, status=SKIPPED) == 3
    clock.set(START + timedelta(days=2))
    assert deliver_due(dialogs, "fan-1") == []
    report = worker.say("/notices")
    assert "已取消" in report
    assert "取消这条通知" not in worker.say("1")


def test_the_report_names_the_reason_of_a_failure(worker, sqlite_db):
    compose(worker, "明早核酸", "幸福社区（全部 2 个群）")
    worker.say("1")
    worker.say("1")
    worker.say("1")
    with sqlite_db.session() as s:
        rows = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        rows[0].status, rows[0].last_error = DEAD, f"unreachable: {KICKED}"
        s.add(rows[0])
    worker.say("/notices")
    report = worker.say("1")
    assert f"❌ 幸福一网格群：未送达，机器人已被移出群聊（{KICKED}）" in report


def test_bad_input_changes_nothing(worker, dialogs, clock, sqlite_db):
    assert "请输入通知内容" in worker.say("/notice")
    assert "这条通知没有发出" in worker.say("放弃")
    compose(worker, "草稿", "幸福社区（全部 2 个群）")
    assert "没有第 9 项" in worker.say("9")
    stale = dialogs.handle(Incoming("console", "grid-1", payload="ntt:99"))
    assert "发给哪些群" in stale[0].text
    assert "什么时候发" in worker.say("1")
    clock.advance(hours=2)
    assert "草稿已经过期" in worker.say("1")
    assert "这条通知的草稿已经过期" in dialogs.handle(Incoming("console", "grid-1", payload="ntok"))[0].text
    assert count_rows(sqlite_db) == 0


def test_each_step_gives_the_draft_another_hour(worker, dialogs, clock, sqlite_db):
    assert "请输入通知内容" in worker.say("/notice")
    clock.advance(minutes=50)
    assert "发给哪些群" in worker.say("周六停水")
    clock.advance(minutes=50)
    assert "什么时候发" in worker.say("1")
    clock.advance(minutes=50)
    assert "是紧急通知吗" in worker.say("1")      # 现在发送: 150 minutes after /notice
    clock.advance(minutes=61)
    assert "草稿已经过期" in worker.say("1")
    assert count_rows(sqlite_db) == 0


def test_bind_code_flow_and_binding_in_a_group(worker, dialogs, sqlite_db):
    picked = worker.say("/bindcode")
    assert "要绑定哪个社区的群" in picked and "1. 幸福社区" in picked
    grids = worker.say("1")
    assert "1. 整个社区（不分网格）" in grids and "第一网格" in grids
    assert "请输入网格名称" in worker.say("4")
    assert "不能为空，也不能超过 30 个字" in worker.say("网" * 31)
    answer = worker.say("第三网格")
    assert "幸福社区 第三网格" in answer and "30 分钟内有效" in answer
    code = answer.split("绑定码：", 1)[1][:6]
    assert "请在要绑定的群里发送" in worker.say(f"/bind {code}")
    stranger = Incoming("console", "fan-1", text=f"/bind {code}",
                        chat_id="-2001", extra={"chat_title": "陌生群"})
    assert "只对工作人员开放" in handle_in_group(dialogs, stranger).replies[0].text
    mine = Incoming("console", "grid-1", text=f"/bind@linli_bot {code}",
                    chat_id="-2001", extra={"chat_title": "幸福三网格群"})
    [reply] = handle_in_group(dialogs, mine).replies
    assert reply.text == "本群已绑定到：幸福社区 第三网格。以后的社区通知会发到本群。"
    assert "已经用过" in handle_in_group(dialogs, mine).replies[0].text
    staff_in_group = Incoming("console", "grid-1", text="/notice", chat_id="-2001")
    assert "请私聊我使用" in handle_in_group(dialogs, staff_in_group).replies[0].text
    with sqlite_db.session() as s:
        titles = [g.title for g, _ in reachable_groups(s, ["幸福社区"], "第三网格")]
    assert titles == ["幸福三网格群"]


def test_a_subscriber_can_stop_getting_notices(worker, dialogs):
    fan = ConsoleChat(dialogs, "fan-1")
    screen = fan.say("订阅通知")
    assert "您已订阅：幸福社区" in screen and "1. 取消订阅：幸福社区" in screen
    assert "已取消订阅幸福社区的通知" in fan.say("1")
    compose(worker, "周日停水", "幸福社区（全部 2 个群）")
    worker.say("1")
    assert "私聊订阅的居民：0 位" in worker.say("1")
