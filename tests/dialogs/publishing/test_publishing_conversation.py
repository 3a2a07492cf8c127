"""发布课程 in the chat: an organizer publishes a weekly course and a one-off activity step by step,
with wrong answers, a step back and a preview on the way; a resident finds the course and signs up;
a cancelled form and a refused course leave nothing written; residents cannot publish."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from bot.messages import Incoming

from store.models import AuditEntry, Category, ClassSession, Course, OutboxMessage, Venue
from store.models.staff import ORGANIZER
from store.people import get_or_create_account
from store.roles import grant_role
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from tests.support.people import console_person

WEEKLY = "每周三 14:00–15:30 共 8 次"


def counts(dialogs) -> tuple[int, int, int, int]:
    with dialogs.db.session() as s:
        return tuple(s.exec(select(func.count()).select_from(table)).one()
                     for table in (Course, ClassSession, Category, Venue))


def publish_calligraphy(boss, sessions: str = WEEKLY) -> str:
    """Every question answered, with wrong answers and one step back."""
    assert "第 1 步" in boss.say("发布课程")
    assert "请选文化、体育或艺术" in boss.say("音乐")
    assert "第 2 步" in boss.say("文化")
    assert "第 3 步" in boss.say("书法")
    assert "第 4 步" in boss.say("零基础毛笔书法")
    assert "第 3 步" in boss.say("返回上一步")
    assert "第 4 步" in boss.say("零基础毛笔书法")
    assert "第 5 步" in boss.say("王老师")
    assert "第 6 步" in boss.say("幸福社区文化家园")
    assert "没看懂上课时间" in boss.say("下下个月吧")
    assert "请写一共几次" in boss.say("每周三 14:00-15:30")
    assert "第 7 步" in boss.say(sessions)
    assert "请回复 1 到 999" in boss.say("很多")
    assert "第 8 步" in boss.say("二十")                      # typed in words, the number of seats
    assert "第 9 步" in boss.say("免费 适合老年人")
    assert "第 10 步" in boss.say("先到先得")
    assert "最后一步" in boss.say("1")                        # 1: the number of companions, not a choice
    return boss.say("空位自动给候补")


def test_a_weekly_course_is_previewed_published_found_and_signed_up_for(dialogs):
    boss = console_person(dialogs, "boss", ORGANIZER)
    preview = publish_calligraphy(boss)
    assert "【零基础毛笔书法】文化 · 书法" in preview and "12月2日（周三）14:00–15:30" in preview
    assert "……共 8 次" in preview and "名额：20 人" in preview and "每人可带同伴：1 位" in preview
    assert counts(dialogs) == (0, 0, 0, 0)                    # nothing is live before 确认发布
    done = boss.say("确认发布")
    assert "已发布【零基础毛笔书法】" in done and "共 8 次课" in done
    again = dialogs.handle(Incoming("console", "boss", payload="pbok"))    # a second tap publishes nothing more
    assert "过期" in again[0].text
    with dialogs.db.session() as s:
        course = s.exec(select(Course)).one()
        assert (course.capacity, course.teacher, course.tags, course.companions_max, course.signup_mode) == \
            (20, "王老师", "免费 适合老年人", 1, "first_come")
        assert len(s.exec(select(ClassSession)).all()) == 8
        assert "course.publish" in s.exec(select(AuditEntry.action)).all()

    resident = console_person(dialogs, "wang")
    found = resident.say("毛笔书法")
    assert "零基础毛笔书法" in found
    page = resident.say("零基础毛笔书法")
    assert "王老师" in page and "幸福社区文化家园" in page
    assert "同伴" in resident.say("报名")
    assert "确认报名" in resident.say("就我自己")
    assert "报名成功" in resident.say("确认报名")


def test_single_dates_make_a_one_off_activity(dialogs):
    boss = console_person(dialogs, "boss", ORGANIZER)
    for answer in ("发布活动", "艺术", "合唱", "新年合唱会", "李老师", "社区大礼堂"):
        boss.say(answer)
    assert "第 7 步" in boss.say("十二月二十日上午九点到十一点")
    boss.say("50")
    boss.say("不加标签")
    boss.say("先到先得")
    boss.say("不能带同伴")
    preview = boss.say("空位先问候补")
    assert "12月20日（周日）09:00–11:00" in preview and "空出名额：先问候补" in preview and "标签" not in preview
    assert "共 1 次课" in boss.say("确认发布")
    with dialogs.db.session() as s:
        course = s.exec(select(Course)).one()
        assert course.seat_offer == "offer" and course.tags == ""


def test_a_lottery_course_asks_for_its_deadline(dialogs):
    boss = console_person(dialogs, "boss", ORGANIZER)
    for answer in ("发布课程", "体育", "太极", "二十四式太极", "张老师", "文化广场",
                   "每周二、四 上午九点到十点 共六次 从12月8日起", "30", "不加标签"):
        boss.say(answer)
    assert "截止到什么时候" in boss.say("摇号")
    assert "要早于第一次上课" in boss.say("12月9日 20:00")
    assert "第 10 步" in boss.say("12月6日 20:00")
    boss.say("0")
    preview = boss.say("空位自动给候补")
    assert "报名：摇号，2026-12-06 20:00 截止申请" in preview and "12月8日（周二）09:00–10:00" in preview
    boss.say("确认发布")
    with dialogs.db.session() as s:
        course = s.exec(select(Course)).one()
        assert course.signup_mode == "lottery" and course.apply_until.hour == 12  # 20:00 in Shanghai


def test_cancelling_midway_and_a_refused_course_write_nothing(dialogs):
    boss = console_person(dialogs, "boss", ORGANIZER)
    for answer in ("发布课程", "文化", "书法", "硬笔书法"):
        boss.say(answer)
    assert "已取消发布，什么都没有保存" in boss.say("取消发布")
    assert counts(dialogs) == (0, 0, 0, 0)
    assert "第 1 步" in boss.say("发布课程")
    assert "已取消发布" in boss.say("返回上一步")               # back from the first question
    publish_calligraphy(boss)
    boss.say("确认发布")
    before = counts(dialogs)
    boss.say("发布课程")
    boss.say("体育")
    assert "已经在文化板块里了" in boss.say("书法")            # a category lives in one section
    assert counts(dialogs) == before


def test_a_resident_cannot_publish(dialogs):
    resident = console_person(dialogs, "wang")
    answer = resident.say("发布课程")
    assert "第 1 步" not in answer and "工作人员" in answer
    assert "发布与管理课程" not in resident.say("更多服务")
    with dialogs.db.session() as s:
        assert s.exec(select(AuditEntry.action)).all() == ["refused"]
        assert s.exec(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind != "reply")).one() == 0


def test_an_organizer_of_one_community_manages_what_they_publish_at_a_new_venue(dialogs):
    local = console_person(dialogs, "local")
    with dialogs.db.session() as s:
        grant_role(s, get_or_create_account(s, "console", "local")[0].resident_id, ORGANIZER, "幸福社区")
    publish_calligraphy(local)
    local.say("确认发布")
    with dialogs.db.session() as s:
        assert s.exec(select(Venue.community)).one() == "幸福社区"
    assert "零基础毛笔书法" in local.say("管理课程")
    assert "还有 8 次课没上" in local.say("1")


def test_a_course_the_catalogue_refuses_at_the_last_moment_is_explained_and_not_written(dialogs):
    boss = console_person(dialogs, "boss", ORGANIZER)
    for answer in ("发布课程", "文化", "剪纸", "剪纸入门", "王老师", "幸福社区文化家园", "12月20日 9:00-11:00", "20",
                   "不加标签", "先到先得", "0"):
        boss.say(answer)
    assert "请核对" in boss.say("空位自动给候补")
    with dialogs.db.session() as s:
        s.add(Category(section="艺术", name="剪纸"))               # meanwhile an import put 剪纸 under 艺术
    before = counts(dialogs)
    refused = boss.say("确认发布")
    assert "没能发布" in refused and "项目“剪纸”已在艺术板块中" in refused and "请核对" in refused
    assert counts(dialogs) == before


def test_residents_waiting_for_news_of_the_category_are_told_as_after_an_import(dialogs):
    add_course(dialogs.db, "WH-SF-01", "硬笔书法", first_start=START + timedelta(days=1))
    console_person(dialogs, "wang")
    with dialogs.db.session() as s:
        category = s.exec(select(Category.id).where(Category.name == "书法")).one()
    dialogs.handle(Incoming("console", "wang", payload=f"wcat:{category}"))
    deliver_due(dialogs, "wang")
    boss = console_person(dialogs, "boss", ORGANIZER)
    publish_calligraphy(boss)
    boss.say("确认发布")
    pushes = deliver_due(dialogs, "wang")
    assert any(reply and "零基础毛笔书法" in reply.text for _, reply in pushes), pushes
