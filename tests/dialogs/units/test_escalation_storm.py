"""Several workers passing orders up at once: each order goes up once and each organizer of the
分馆 is told once, on SQLite and PostgreSQL."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import select

from bot.dialogs.pushes.order_escalation import run_order_escalation
from store.models import OutboxMessage, ServiceItem, ServiceOrder
from store.orders import place_order
from store.people import get_or_create_account
from store.roles import grant_role
from store.units import unit_by_code
from store.units_import import import_units
from tests.conftest import START
from tests.store.test_units_import import GOOD, write_csv

ORDERS = 12


def test_each_order_goes_up_once(db, settings, tmp_path):
    import_units(db, write_csv(tmp_path / "units.csv", GOOD))
    with db.session() as s:
        service = ServiceItem(code="S-DY", name="送电影", lead_days=0)
        s.add(service)
        s.flush()
        branch = unit_by_code(s, "FG-A").id
        for who in ("a1", "a2"):
            account, _ = get_or_create_account(s, "console", who)
            grant_role(s, account.resident_id, "organizer", unit_id=branch)
        resident = get_or_create_account(s, "console", "wang")[0].resident_id
        for n in range(ORDERS):
            place_order(s, service_id=service.id, community="一号社区" if n % 2 else "二号社区", place="广场",
                        preferred_dates="", audience=50, contact_name="王", contact_phone="", resident_id=resident,
                        now=START)
    later = START + timedelta(hours=settings.units.escalate_after_hours + 1)
    with ThreadPoolExecutor(max_workers=4) as pool:
        rounds = list(pool.map(lambda _: run_order_escalation(db, settings, later), range(4)))
    assert sum(rounds) == ORDERS
    with db.session() as s:
        assert all(o.escalated_at == later for o in s.exec(select(ServiceOrder)))
        told = s.exec(select(OutboxMessage.idem_key).where(OutboxMessage.idem_key.like("order_escalated:%"))).all()
    assert len(told) == len(set(told)) == ORDERS * 2
