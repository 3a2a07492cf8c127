"""送电影 says 请至少提前 7 天点单, and an order for an earlier day is asked again, never placed."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from store.models import ServiceItem, ServiceOrder
from store.orders import TooSoon, place_order
from tests.conftest import START
from tests.dialogs.orders.test_order_conversation import PHONE, chats, people  # noqa: F401 (fixtures)

START_FILM = ["/start", "点单", "2", "幸福社区", "文化广场"]  # 12月1日 08:00: the earliest film is 12月8日


def orders(db) -> list[ServiceOrder]:
    with db.session() as s:
        return list(s.exec(select(ServiceOrder)))


def test_the_day_after_tomorrow_is_refused_with_the_earliest_day(chats, people):
    resident = chats["resident"]
    intro = "\n".join(resident.say(text) for text in START_FILM[:3])
    assert "请至少提前 7 天点单" in intro
    for text in START_FILM[3:]:
        resident.say(text)
    for too_soon in ("后天", "12月3日", "2026-12-07", "12月7日或12月20日"):
        answer = resident.say(too_soon)
        assert "【送电影】至少要提前 7 天点单，最早可以约 12月8日（周二）" in answer and "3/6 希望哪天" in answer
    assert "4/6" in resident.say("12月8日晚上")                    # exactly seven days ahead: fine
    for text in ("80", "王阿姨", PHONE):
        resident.say(text)
    assert "点单成功！单号：D20261201-0001" in resident.say("1")
    [order] = orders(people)
    assert order.preferred_dates == "12月8日晚上"


def test_a_summary_confirmed_too_late_goes_back_to_the_date(chats, people, clock):
    resident = chats["resident"]
    for text in START_FILM + ["12月8日晚上", "80", "王阿姨", PHONE]:
        resident.say(text)
    clock.set(START + timedelta(days=1))                             # confirmed the next day
    answer = resident.say("1")
    assert "最早可以约 12月9日（周三）" in answer and "3/6 希望哪天" in answer
    assert orders(people) == []


def test_the_store_refuses_a_day_inside_the_lead_time(people):
    with people.session() as s:
        film = s.exec(select(ServiceItem).where(ServiceItem.code == "S-DY")).one()
        with pytest.raises(TooSoon):
            place_order(s, service_id=film.id, community="幸福社区", place="文化广场", preferred_dates="后天",
                        audience=80, contact_name="王阿姨", contact_phone="", resident_id=None, now=START,
                        first_day=date(2026, 12, 3))
    assert orders(people) == []
