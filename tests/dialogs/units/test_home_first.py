"""A resident picks their community from the tree (by number, by name, with 返回) and then sees their
own 服务点 and 分馆 first: in 近期活动 and in a category's courses."""
from __future__ import annotations

from collections import Counter

from sqlmodel import select

from bot.dialogs.courses.callbacks import CategoryPage
from bot.handlers.console import ConsoleChat, render_reply
from bot.messages import Incoming
from store.demo import load_demo
from store.models import Course, Resident, ServiceOrder
from store.units import unit_for_community
from tests.conftest import START


def tap(chat: ConsoleChat, payload: str) -> str:
    return "\n\n".join(render_reply(r) for r in chat.dialogs.handle(Incoming("console", chat.user_id, payload=payload)))


def choices(answer: str) -> list[str]:
    return [line.split(". ", 1)[1] for line in answer.splitlines() if ". " in line and line[0].isdigit()]


def test_picking_by_branch_then_point_with_a_way_back(dialogs, sqlite_db):
    load_demo(sqlite_db, START)
    chat = ConsoleChat(dialogs, "wang")
    chat.say("/start")
    branches = chat.say("我的社区")
    assert choices(branches) == ["东湖街道分馆", "和平街道分馆", "主菜单"]
    points = chat.say("和平街道分馆")
    assert choices(points) == ["建设社区", "南湖社区", "文昌社区", "幸福社区", "返回", "主菜单"]
    assert len(choices(points)) <= 8
    assert choices(chat.say("返回")) == choices(branches)
    chat.say("2")
    assert "您的社区是【幸福社区】" in chat.say("4")
    with sqlite_db.session() as s:
        (mine,) = [r for r in s.exec(select(Resident)) if r.community == "幸福社区"]
        assert mine.unit_id == unit_for_community(s, "幸福社区").id


def test_a_typed_name_is_enough_and_an_unknown_one_is_said_so(dialogs, sqlite_db):
    load_demo(sqlite_db, START)
    chat = ConsoleChat(dialogs, "li")
    chat.say("/start")
    chat.say("我的社区")
    assert "没有找到“火星”这个社区" in chat.say("火星")
    assert "您的社区是【柳岸村】" in chat.say("柳岸")
    chat.say("设置")
    chat.say("我的社区")
    several = chat.say("社区")  # every community's name holds it: the choices are offered, paged
    assert "相近的社区" in several and len(choices(several)) <= 8 and "返回" in choices(several)


def test_my_point_and_branch_come_first(dialogs, sqlite_db):
    load_demo(sqlite_db, START)
    chat = ConsoleChat(dialogs, "zhao")
    chat.say("/start")
    chat.say("我的社区")
    chat.say("湖滨社区")
    picker = choices(chat.say("近期活动"))
    assert picker[:3] == ["我的社区：湖滨社区", "本街道：东湖街道分馆", "今天"]
    with sqlite_db.session() as s:
        home = unit_for_community(s, "湖滨社区").id
        categories = Counter(c.category_id for c in s.exec(select(Course).where(Course.unit_id == home)))
        category = next(cid for cid, _ in categories.most_common()
                        if s.exec(select(Course).where(Course.category_id == cid, Course.unit_id != home)).first())
        mine = {c.title for c in s.exec(select(Course).where(Course.category_id == category, Course.unit_id == home))}
    listed = [c for c in choices(tap(chat, CategoryPage(category).pack()))
              if c not in ("下一页", "返回", "有新课时提醒我", "主菜单")]
    marked = [c.endswith("（家门口）") for c in listed]
    assert marked[0] and marked == sorted(marked, reverse=True)  # the resident's own courses first
    assert {c.removesuffix("（家门口）") for c in listed if c.endswith("（家门口）")} <= mine


def test_an_order_offers_my_community_first(dialogs, sqlite_db):
    load_demo(sqlite_db, START)
    chat = ConsoleChat(dialogs, "sun")
    chat.say("/start")
    chat.say("我的社区")
    chat.say("杏林社区")
    chat.say("点单")
    first = chat.say("2")
    assert "1/6 在哪个社区" in first and choices(first)[0] == "我家门口：杏林社区"
    assert "2/6" in chat.say("1")
    for text in ("文化广场", "12月20日晚上", "80", "孙阿姨", "13812345678"):
        chat.say(text)
    assert "单号：" in chat.say("1")
    with sqlite_db.session() as s:
        (order,) = s.exec(select(ServiceOrder)).all()
        assert (order.community, order.unit_id) == ("杏林社区", unit_for_community(s, "杏林社区").id)
