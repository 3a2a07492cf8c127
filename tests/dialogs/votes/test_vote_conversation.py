"""A popularity vote as the people in it see it: the organizer sets it up, residents vote over three
days, the organizer gets the chart and the workbook when it closes, and draws the prizes."""
from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import select

from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from bot.handlers.console import ConsoleChat
from bot.report.votes import close_due_votes
from bot.cli.vote import draw_from_cli
from store.models import AuditEntry, Vote
from store.people import get_or_create_account
from store.roles import grant_role
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from tests.support.people import console_person

DAY = timedelta(days=1)
NEXT_MIDNIGHT = START + timedelta(hours=16)  # 12月2日 00:00 in Shanghai


@pytest.fixture
def file_settings(settings, tmp_path):
    files = settings.files.model_copy(update={"dir": str(tmp_path / "files")})
    return settings.model_copy(update={"files": files})


@pytest.fixture
def talk(sqlite_db, file_settings, clock):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", first_start=START + DAY)
    add_course(sqlite_db, "TY-TJ-01", "杨式太极拳", category="太极", section="体育", first_start=START + DAY)
    return Dialogs(sqlite_db, file_settings, clock)


person = console_person


def press(chat: ConsoleChat, payload: str) -> str:
    """A button pressed on an older message, or a choice in a notice."""
    replies = chat.dialogs.handle(Incoming("console", chat.user_id, payload=payload))
    return "\n".join(r.text for r in replies)


def number_of(label: str, screen: str) -> str:
    """The number to type for a choice on a screen ("7. 参与投票" → "7")."""
    [number] = [line.split(". ", 1)[0] for line in screen.splitlines() if line.endswith(f". {label}")]
    return number


def publish(org: ConsoleChat, results: str = "1") -> str:
    """/newvote through every step, with the slips an organizer makes on the way."""
    assert "请输入投票标题" in org.say("/newvote")
    assert "请输入选项" in org.say("最受欢迎课程")
    assert "至少要有 2 个选项" in org.say("WH-SF-01")
    assert "什么时候开始" in org.say("WH-SF-01\n2. TY-TJ-01\n智能手机课 | ZN-01")
    assert "没看懂这个时间" in org.say("下周一")
    assert "什么时候截止" in org.say("现在")
    assert "截止时间要晚于开始时间" in org.say("2026-11-30 20:00")
    assert "每人可以投几次" in org.say("12-03 20:00")
    assert "结果什么时候公布" in org.say("1")   # 每人每天一票
    preview = org.say(results)
    assert "1. 零基础毛笔书法（WH-SF-01）" in preview and "3. 智能手机课（ZN-01）" in preview
    assert "时间：12月1日 08:00 至 12月3日 20:00" in preview and "每人每天可投一票" in preview
    return org.say("1")


def test_three_days_of_voting_then_results_and_a_prize_draw(talk, clock):
    org = person(talk, "organizer", "organizer")
    assert "投票已发布，编号 1" in publish(org)
    wang, li, zhao = person(talk, "wang"), person(talk, "li"), person(talk, "zhao")
    assert "只对工作人员开放" in wang.say("/newvote")

    # Day 1. Wang from the menu, Li by the deep link, Zhao from a notice's button.
    assert "1. 最受欢迎课程" in wang.say(number_of("参与投票", wang.say("更多服务")))
    page = wang.say("1")
    assert "规则：每人每天可投一票" in page and "1. 零基础毛笔书法" in page and "2. 杨式太极拳" in page
    done = wang.say("1")
    assert "投票成功！您投给了【零基础毛笔书法】" in done and "明天 00:00 起可以再投" in done
    assert "1. 零基础毛笔书法　1 票" in done  # live results
    again = press(wang, "vb:1:2")  # the 杨式太极拳 button of the old page
    assert "今天已经投过票了（投给了【零基础毛笔书法】）" in again and "明天 00:00 起可以再投" in again
    assert "您今天已投给【零基础毛笔书法】" in wang.say("投票 1")
    assert "请选择您要投的一项" in li.say("/start vote-1")
    assert "投票成功！您投给了【杨式太极拳】" in li.say("2")
    assert "请选择您要投的一项" in press(zhao, "vote:1")
    assert "投票成功！您投给了【杨式太极拳】" in zhao.say("2")

    # Day 2 begins at local midnight.
    clock.set(NEXT_MIDNIGHT - timedelta(minutes=1))
    assert "今天已经投过票了" in press(wang, "vb:1:1")
    clock.set(NEXT_MIDNIGHT)
    assert "投票成功" in press(wang, "vb:1:1")
    assert "今天已经投过票了" in press(wang, "vb:1:3")
    assert "投票成功" in press(li, "vb:1:2")

    # Day 3: the last day; closing comes before the next midnight.
    clock.set(NEXT_MIDNIGHT + DAY + timedelta(hours=9))
    last = press(wang, "vb:1:1")
    assert "投票成功" in last and "投票 12月3日 20:00 截止，感谢参与" in last
    assert "1. 零基础毛笔书法　3 票" in last and "1. 杨式太极拳　3 票" in last  # a tie shares the place
    assert "投票成功！您投给了【智能手机课】" in press(zhao, "vb:1:3")

    # Nothing closes early; past 20:00 the vote closes once and the organizer gets the files.
    assert close_due_votes(talk.db, talk.settings, clock.now()) == []
    clock.set(START + 2 * DAY + timedelta(hours=12, minutes=1))
    assert "投票已经截止" in press(li, "vb:1:2")
    assert close_due_votes(talk.db, talk.settings, clock.now()) == [1]
    assert close_due_votes(talk.db, talk.settings, clock.now()) == []
    [(kind, push)] = deliver_due(talk, "organizer")
    assert kind == "vote_results"
    assert "投票【最受欢迎课程】已截止" in push.text and "共 3 人参与，7 票" in push.text
    with Image.open(push.picture) as chart:
        assert chart.format == "PNG"
    book = load_workbook(push.file)
    ranked = [[round(v, 6) if isinstance(v, float) else v for v in row]
              for row in book["票数"].iter_rows(values_only=True)]
    assert ranked == [["名次", "选项", "编号", "票数", "占比"], [1, "零基础毛笔书法", "WH-SF-01", 3, 0.428571],
                      [1, "杨式太极拳", "TY-TJ-01", 3, 0.428571], [3, "智能手机课", "ZN-01", 1, 0.142857]]
    assert [list(r) for r in book["每日票数"].iter_rows(values_only=True)] == [
        ["日期", "零基础毛笔书法", "杨式太极拳", "智能手机课", "合计"],
        ["2026-12-01", 1, 2, 0, 3], ["2026-12-02", 1, 1, 0, 2], ["2026-12-03", 1, 0, 1, 2]]
    assert "最终结果" in wang.say("投票 1")

    # The draw: two of the three voters, confirmed, recorded, winners told.
    assert "不够抽 4 位" in org.say("/draw 1 4")
    preview = org.say("/draw 1 2")
    assert "从【最受欢迎课程】的 3 位投票人中抽 2 位" in preview
    drawn = org.say("1")
    assert "抽奖完成" in drawn and "随机种子" in drawn
    seed = drawn.split("随机种子：", 1)[1].split()[0]
    with talk.db.session() as s:
        [entry] = s.exec(select(AuditEntry).where(AuditEntry.action == "vote.draw")).all()
        recorded = json.loads(entry.detail)
    assert recorded["seed"] == seed and recorded["candidates"] == 3 and len(recorded["winners"]) == 2
    told = []
    for chat in (wang, li, zhao):
        for kind, reply in deliver_due(talk, chat.user_id):
            if kind == "draw_winner":
                assert "您中奖了" in reply.text
                told.append(chat.user_id)
    assert len(told) == 2

    # The same draw can be run again from its seed and gives the same winners.
    out = io.StringIO()
    assert draw_from_cli(talk.db, 1, 2, seed, True, clock.now(), out) == 0
    checked = json.loads(out.getvalue())
    assert checked["status"] == "match" and checked["winners"] == recorded["winners"]


def test_pressing_the_draw_button_twice_draws_once(talk, clock):
    org = person(talk, "organizer", "organizer")
    publish(org)
    for user, option in (("a", 1), ("b", 2), ("c", 1)):
        press(person(talk, user), f"vb:1:{option}")
    clock.set(START + 3 * DAY)
    assert "要给哪个投票抽奖" in org.say("/draw")
    assert "共 3 人参与投票。要抽几位" in org.say("1")
    assert "请回复 1 到 100 之间的数字" in org.say("抽好多位")
    [preview] = talk.handle(Incoming("console", "organizer", text="1"))
    assert "抽 1 位" in preview.text
    confirm = preview.choices[0].payload
    assert confirm.startswith("drawy:1:1:")
    first, second = press(org, confirm), press(org, confirm)
    assert "抽奖完成" in first and first == second
    with talk.db.session() as s:
        assert len(s.exec(select(AuditEntry).where(AuditEntry.action == "vote.draw")).all()) == 1
    told = [kind for user in "abc" for kind, _ in deliver_due(talk, user) if kind == "draw_winner"]
    assert told == ["draw_winner"]


def test_hidden_results_wait_for_the_close(talk, clock):
    org = person(talk, "organizer", "organizer")
    publish(org, results="2")
    wang = person(talk, "wang")
    done = press(wang, "vb:1:1")
    assert "投票成功" in done and "当前票数" not in done
    assert "结果将在 12月3日 20:00 截止后公布" in press(wang, "vr:1")
    clock.set(START + 3 * DAY)
    assert "最终结果：\n1. 零基础毛笔书法　1 票" in press(wang, "vr:1")


def test_residents_cannot_draw_or_make_votes(talk):
    wang = person(talk, "wang")
    for command in ("/newvote", "/draw", "/draw 1 2"):
        assert "只对工作人员开放" in wang.say(command)
    assert "只对工作人员开放" in press(wang, "nvy") and "只对工作人员开放" in press(wang, "drawy:1:1:abc")
    with talk.db.session() as s:
        assert s.exec(select(Vote)).all() == []
        refused = s.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()
        assert {r.target for r in refused} == {"vote.create", "vote.draw"}


def test_a_vote_link_that_leads_nowhere(talk):
    wang = person(talk, "wang")
    assert "没有找到这个投票" in wang.say("/start vote-99")
    assert "主菜单" in wang.say("/start nothing-here")


# -- on Telegram: the real python-telegram-bot against the fake Bot API -----------------------------

@pytest.fixture
async def api():
    from tests.fakes.telegram_api import FakeBotApi
    async with FakeBotApi() as fake:
        yield fake


async def test_on_telegram_the_deep_link_opens_the_vote_and_the_files_arrive(api, talk, clock):
    from bot.app import build_worker
    from bot.handlers.telegram.sender import TelegramSender
    from tests.fakes.telegram_api import UploadedFile
    from tests.support.telegram_app import polling, telegram_settings

    settings = telegram_settings(talk.settings, api)
    dialogs = Dialogs(talk.db, settings, clock)
    async with polling(dialogs, settings, api) as app:
        organizer, resident = 8001, 8002
        api.push_text(organizer, "/start")
        await api.wait_for_messages(organizer, 1)
        with talk.db.session() as s:
            account, _ = get_or_create_account(s, "telegram", str(organizer))
            grant_role(s, account.resident_id, "organizer")
        for n, line in enumerate(["/newvote", "最美教学点", "和平街道文化站\n幸福社区文化家园", "现在",
                                  "12-03 20:00", "1", "1", "1"], 2):
            api.push_text(organizer, line)
            await api.wait_for_messages(organizer, n)
        assert "投票已发布，编号 1" in api.sent_to(organizer)[-1]["text"]
        api.push_text(resident, "/start")
        await api.wait_for_messages(resident, 1)
        api.push_text(resident, "/start vote-1")
        [_, page] = await api.wait_for_messages(resident, 2)
        assert "【最美教学点】" in page["text"] and "请选择您要投的一项" in page["text"]
        api.push_text(resident, "1")
        [*_, done] = await api.wait_for_messages(resident, 3)
        assert "投票成功！您投给了【和平街道文化站】" in done["text"]

    clock.set(START + 3 * DAY)
    assert close_due_votes(talk.db, settings, clock.now()) == [1]
    async with app.bot:
        worker = build_worker(talk.db, settings, {"telegram": TelegramSender(app.bot)}, clock)
        await worker.drain()
    [photo] = api.calls_of("sendPhoto")
    [document] = api.calls_of("sendDocument")
    upload = photo.params["photo"]
    assert isinstance(upload, UploadedFile) and upload.data.startswith(b"\x89PNG")
    sheet = document.params["document"]
    assert sheet.filename.endswith(".xlsx") and sheet.data.startswith(b"PK")
    book = load_workbook(io.BytesIO(sheet.data))
    assert book["票数"]["B2"].value == "和平街道文化站" and book["票数"]["D2"].value == 1
    assert "投票【最美教学点】已截止" in api.sent_to(organizer)[-1]["text"]
