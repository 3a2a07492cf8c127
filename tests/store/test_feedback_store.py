"""Demand feedback: bad input changes nothing, a message is answered once, the month adds up."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from bot.search.synonyms import load_synonyms
from store.feedback import mark_handled, month_summary, open_feedback, subject_words, subjects_in, submit
from store.models import Category, Feedback, Resident
from tests.conftest import START


def resident(db) -> int:
    with db.session() as s:
        person = Resident(display_name="李阿姨")
        s.add(person)
        s.flush()
        return person.id


def add_categories(db, *names: str) -> None:
    with db.session() as s:
        for order, name in enumerate(names):
            s.add(Category(section="文化", name=name, sort_order=order))


def send(db, rid: int, category: str, text: str, when: datetime = START):
    with db.session() as s:
        return submit(s, rid, category, text, when)


def test_bad_input_is_refused_and_saves_nothing(db):
    rid = resident(db)
    assert send(db, rid, "wish", "希望开书法班").status == "bad_category"
    assert send(db, rid, "course", "   ").status == "empty"
    assert send(db, rid, "course", "书" * 301).status == "too_long"
    with db.session() as s:
        assert s.exec(select(Feedback)).all() == []
    assert send(db, rid, "course", "  " + "书" * 300 + " ").status == "saved"


def test_a_message_is_answered_once(db):
    rid = resident(db)
    item = send(db, rid, "venue", "活动室的空调坏了").feedback
    with db.session() as s:
        assert mark_handled(s, item.id, "", "telegram:1", START).status == "empty"
        assert mark_handled(s, item.id, "好" * 301, "telegram:1", START).status == "too_long"
        assert [f.id for f in open_feedback(s)] == [item.id]
    with db.session() as s:
        done = mark_handled(s, item.id, "已报修，本周修好。", "telegram:1", START)
        assert (done.status, done.feedback.reply) == ("handled", "已报修，本周修好。")
    with db.session() as s:
        assert mark_handled(s, item.id, "再说一次", "telegram:2", START).status == "already"
        assert mark_handled(s, 999999, "回复", "telegram:2", START).status == "not_found"
        assert open_feedback(s) == []
        assert s.get(Feedback, item.id).handled_by == "telegram:1"


def test_subject_words_follow_synonyms():
    words = subject_words(["书法", "太极", "美术", "国画", "京剧", "智能手机课"],
                          {"练字": ["书法"], "打太极": ["太极"], "画画": ["美术", "国画"],
                           "唱戏": ["戏曲"], "戏曲": ["京剧"], "微信": ["智能手机"], "钓鱼": ["垂钓"]})
    assert subjects_in("希望周末开书法班", words) == {"书法"}
    assert subjects_in("想学练字和打太极", words) == {"书法", "太极"}
    assert subjects_in("想学画画", words) == {"美术", "国画"}
    assert subjects_in("老伴爱唱戏", words) == {"京剧"}
    assert subjects_in("教教怎么用微信", words) == {"智能手机课"}
    assert subjects_in("想去钓鱼", words) == set()


def test_month_summary_counts_categories_and_wished_subjects(db):
    add_categories(db, "书法", "太极", "舞蹈")
    rid = resident(db)
    # 2026-11-30 17:00 UTC is already 1 December in Shanghai; 2026-12-31 17:00 UTC is January.
    send(db, rid, "course", "希望周末开书法班", datetime(2026, 11, 30, 17, 0))
    send(db, rid, "course", "想学打太极，还想练字", START + timedelta(days=3))
    send(db, rid, "other", "书法班能不能多开一个", START + timedelta(days=5))
    send(db, rid, "complaint", "书法班老师总迟到", START + timedelta(days=6))
    send(db, rid, "venue", "活动室太冷", START + timedelta(days=7))
    send(db, rid, "course", "想跳广场舞", datetime(2026, 12, 31, 17, 0))
    send(db, rid, "course", "想学舞蹈", datetime(2026, 11, 30, 15, 0))
    first = send(db, rid, "service", "服务很好", START + timedelta(days=8)).feedback
    with db.session() as s:
        mark_handled(s, first.id, "谢谢您", "cli", START + timedelta(days=9))

    summary = month_summary(db, 2026, 12, synonyms=load_synonyms())
    assert summary["month"] == "2026-12" and summary["total"] == 6 and summary["handled"] == 1
    assert summary["by_category"] == {"course": 2, "venue": 1, "service": 1, "complaint": 1, "other": 1}
    assert summary["subjects"] == [("书法", 3), ("太极", 1)]
    assert month_summary(db, 2027, 1, synonyms=load_synonyms())["subjects"] == [("舞蹈", 1)]
    assert month_summary(db, 2026, 11)["total"] == 1
