"""Publishing and managing courses by unit: a 分馆's organizer publishes at the venues of their 分馆
and its 服务点 (the course takes the venue's unit), is refused politely and audited at another 分馆's
venue with nothing written, and neither sees nor changes that 分馆's courses; the 总馆's organizer
publishes and manages everywhere."""
from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from bot.app import build_dialogs
from tests.support.clock import ManualClock
from bot.dialogs.engine import Dialogs
from bot.dialogs.publishing.callbacks import Manage
from bot.handlers.console import ConsoleChat, render_reply
from bot.messages import Incoming
from store.models import AuditEntry, ClassSession, Course, Venue
from store.models.staff import ORGANIZER
from store.people import get_or_create_account
from store.roles import grant_role
from tests.conftest import START
from tests.support.district import build_district

ANSWERS = ["文化", "书法", "社区书法课", "王老师"]
AFTER_VENUE = ["12月20日 9:00-11:00", "20", "不加标签", "先到先得", "0"]


def organizer(dialogs: Dialogs, user: str, unit_id: int) -> ConsoleChat:
    chat = ConsoleChat(dialogs, user)
    chat.say("/start")
    with dialogs.db.session() as s:
        grant_role(s, get_or_create_account(s, "console", user)[0].resident_id, ORGANIZER, unit_id=unit_id)
    return chat


def tap(chat: ConsoleChat, payload: str) -> str:
    return "\n\n".join(render_reply(r) for r in chat.dialogs.handle(Incoming("console", chat.user_id, payload=payload)))


def offered(answer: str) -> list[str]:
    return [line.split(". ", 1)[1] for line in answer.splitlines() if ". " in line and line[0].isdigit()]


def up_to_venue(chat: ConsoleChat, title: str = "社区书法课") -> str:
    chat.say("发布课程")
    for answer in ANSWERS[:2] + [title] + ANSWERS[3:-1]:
        chat.say(answer)
    return chat.say(ANSWERS[-1])


def publish(chat: ConsoleChat, venue: str, title: str = "社区书法课") -> str:
    up_to_venue(chat, title)
    assert "第 6 步" in chat.say(venue)
    for answer in AFTER_VENUE:
        chat.say(answer)
    assert "请核对" in chat.say("空位自动给候补")
    return chat.say("确认发布")


def refusals(db) -> list[dict]:
    with db.session() as s:
        rows = s.exec(select(AuditEntry).where(AuditEntry.action == "refused").order_by(AuditEntry.id)).all()
        return [{"target": r.target} | json.loads(r.detail) for r in rows]


def course_count(db) -> tuple[int, int, int]:
    with db.session() as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one() for t in (Course, ClassSession, Venue))


def course_id(db, code: str) -> int:
    with db.session() as s:
        return s.exec(select(Course.id).where(Course.code == code)).one()


@pytest.fixture
def district(db, settings):
    """The small district (总馆 ROOT, 分馆 FA and FB, 服务点 FA1, FA2, FB1, FB2, a course and venue in each,
    and one of neither), a hall named only by the community of 服务点 FA2, and two organizers."""
    units = build_district(db)
    with db.session() as s:
        s.add(Venue(code="V-HP", name="和平礼堂", community="和平社区服务点"))
    dialogs = Dialogs(db, settings, ManualClock(START))
    return units, organizer(dialogs, "org-a", units["FA"]), organizer(dialogs, "centre", units["ROOT"])


def test_a_branch_organizer_publishes_in_their_branch_and_the_course_takes_the_venues_unit(district, db):
    units, org_a, _ = district
    venues = up_to_venue(org_a)
    assert offered(venues)[:4] == ["FA活动室", "FA1活动室", "FA2活动室", "和平礼堂"]
    assert "FB1活动室" not in venues and "ROOT活动室" not in venues and "NONE活动室" not in venues
    org_a.say("取消发布")
    assert "已发布【社区书法课】" in publish(org_a, "FA1活动室")
    assert "已发布【礼堂书法课】" in publish(org_a, "和平礼堂", "礼堂书法课")
    assert "已发布【新馆书法课】" in publish(org_a, "福田分馆新礼堂", "新馆书法课")   # a new venue: the 分馆's
    with db.session() as s:
        made = {c.title: c.unit_id for c in s.exec(select(Course).where(Course.code.startswith("P")))}
        assert s.exec(select(Venue.unit_id).where(Venue.name == "福田分馆新礼堂")).one() == units["FA"]
    assert made == {"社区书法课": units["FA1"], "礼堂书法课": units["FA2"], "新馆书法课": units["FA"]}
    assert "新馆书法课" in org_a.say("管理课程")
    assert refusals(db) == []


def test_another_branchs_venue_is_refused_audited_and_nothing_is_written(district, db):
    units, org_a, _ = district
    up_to_venue(org_a)
    answer = org_a.say("FB1活动室")
    assert "“FB1活动室”不在您负责的分馆或服务点" in answer and "第 5 步" in answer
    assert refusals(db) == [{"target": "course.publish", "needs": ORGANIZER, "community": "FB1社区",
                             "unit_id": units["FB1"]}]
    assert "第 6 步" in org_a.say("新建礼堂")                  # a venue new to the catalogue is allowed
    for answer in AFTER_VENUE:
        org_a.say(answer)
    org_a.say("空位自动给候补")
    with db.session() as s:                                    # meanwhile 分馆 FB opens a hall of that name
        s.add(Venue(code="V-NEW", name="新建礼堂", unit_id=units["FB"]))
    before = course_count(db)
    answer = org_a.say("确认发布")
    assert "不在您负责的分馆或服务点" in answer and "第 5 步" in answer
    assert course_count(db) == before
    assert [r["unit_id"] for r in refusals(db)] == [units["FB1"], units["FB"]]


def test_a_branch_organizer_neither_sees_nor_changes_another_branchs_course(district, db):
    units, org_a, _ = district
    listed = org_a.say("管理课程")
    assert {"FA书法班", "FA1书法班", "FA2书法班"} <= {line.split("（")[0] for line in offered(listed)}
    for code in ("FB", "FB1", "FB2", "ROOT", "NONE"):
        assert f"C-{code}" not in listed
    assert "还有 0 次课没上" in tap(org_a, Manage(course_id(db, "C-FA2")).pack())
    refused = tap(org_a, Manage(course_id(db, "C-FB1")).pack())
    assert "只对工作人员开放" in refused and "调课" not in refused
    assert refusals(db) == [{"target": "course.manage", "needs": ORGANIZER, "community": "FB1社区",
                             "unit_id": units["FB1"]}]


def test_the_centres_organizer_publishes_and_manages_everywhere(district, db):
    units, _, centre = district
    venues = up_to_venue(centre)
    assert offered(venues)[:5] == ["ROOT活动室", "FA活动室", "FB活动室", "FA1活动室", "FA2活动室"]
    centre.say("取消发布")
    assert "已发布" in publish(centre, "FB1活动室")
    with db.session() as s:
        assert s.exec(select(Course.unit_id).where(Course.code.startswith("P"))).one() == units["FB1"]
    listed = centre.say("管理课程")
    assert "社区书法课" in listed and "NONE书法班" in listed and "FB2书法班" in listed
    for code in ("C-FB1", "C-NONE", "C-ROOT"):
        assert "还有 0 次课没上" in tap(centre, Manage(course_id(db, code)).pack())
    assert refusals(db) == []


def test_the_app_as_built_keeps_a_branch_organizer_to_their_branch(tmp_path, settings):
    settings = settings.model_copy(update={"database": settings.database.model_copy(
        update={"url": f"sqlite:///{tmp_path / 'linli.db'}"})})
    dialogs = build_dialogs(settings, with_demo=False)
    try:
        units = build_district(dialogs.db)
        org_b = organizer(dialogs, "org-b", units["FB"])
        up_to_venue(org_b)
        assert "不在您负责的分馆或服务点" in org_b.say("FA1活动室")
        assert "第 6 步" in org_b.say("FB2活动室")
        assert "FA1书法班" not in org_b.say("管理课程")
    finally:
        dialogs.db.dispose()
