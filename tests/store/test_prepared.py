"""A prepared statement sends what the engine would send, reads rows as the engine reads them, and
fails as the engine fails: SQLAlchemy's error classes, a dropped connection invalidated."""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, create_engine, event, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from store.course_facts import _FACTS
from store.db import Database
from store.dialog_state import _CLAIM, _LOAD, ChatState, save_state
from store.enrolments import _SEATS
from store.models import ChannelAccount, ProcessedUpdate
from store.outbox_rows import insert_rows, values_insert
from store.people import _ACCOUNT_LOCKED, _SEEN, person_for_turn
from store.prepared import Prepared
from tests.support.databases import PostgresSchema, postgres_base_url

WHEN = datetime(2026, 12, 1, 8, 30, 15, 123456)


def sent(db, run) -> tuple[list[tuple], object]:
    """The statements (text, parameters) run(a session's connection) sent, BEGIN left out, and what it
    returned; the session is rolled back."""
    seen: list[tuple] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.session() as session:
            result = run(session.connection())
            session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen, result


def drained(result) -> list[tuple]:
    """The rows of an engine's result as plain tuples (none for a statement that returns none)."""
    return [tuple(row) for row in result] if result.returns_rows else []


@pytest.fixture
def known(db):
    """An account with a chat state, and its id."""
    with db.session() as s:
        account, _ = person_for_turn(s, "telegram", "42", "王阿姨")
        save_state(s, account.id, "private", ChatState("search", {"page": 2}, "", WHEN))
    return account.id


def statements(db, account_id: int) -> list[tuple]:
    outbox_row = {"idem_key": "k", "kind": "reply", "account_id": account_id, "payload": "{}", "due_at": WHEN,
                  "urgent": True, "status": "sending", "attempts": 1, "last_error": "", "created_at": WHEN}
    return [(_LOAD, {"account_id": account_id, "chat": "private"}),
            (_ACCOUNT_LOCKED, {"channel": "telegram", "external_id": "42"}),
            (_SEEN, {"account_id": account_id, "now": WHEN}),
            (_CLAIM[db.engine.dialect.name], {"channel": "telegram", "update_key": "u1", "created_at": WHEN}),
            (_SEATS.statement, {"course_id": 1, "resident_id": 1}),  # literals, LIMIT 1, aggregates
            (_FACTS.statement, {"course_id": 1, "resident_id": 1, "venue_id": None}),
            (values_insert(db.engine.dialect.name, 1).statement,
             {f"{column}_0": outbox_row.get(column) for column in
              ("idem_key", "kind", "resident_id", "account_id", "payload", "due_at", "urgent", "status",
               "attempts", "last_error", "lease_until", "claimed_by", "created_at")})]


def test_it_sends_the_text_and_parameters_the_engine_sends_and_reads_the_same_rows(db, known):
    for statement, params in statements(db, known):
        through_engine, engine_rows = sent(db, lambda c: drained(c.execute(statement, params)))
        prepared = Prepared(statement)
        through_cursor, rows = sent(db, lambda c: prepared.rows(c, params))
        assert through_cursor == through_engine
        if statement is values_insert(db.engine.dialect.name, 1).statement:  # a sequence gives each insert its own id
            rows, engine_rows = [r[1:] for r in rows], [r[1:] for r in engine_rows]
        assert rows == engine_rows


def test_rows_are_read_with_the_columns_types(db, known):
    with db.session() as s:
        row = Prepared(_LOAD).first(s.connection(), {"account_id": known, "chat": "private"})
        account = Prepared(_ACCOUNT_LOCKED).first(s.connection(), {"channel": "telegram", "external_id": "42"})
    assert (row.expect, row.data, row.expires_at) == ("search", '{"page": 2}', WHEN)
    assert account.unreachable is False and isinstance(account.last_seen_at, datetime)


def test_an_update_counts_its_rows_and_writes_the_literal_of_its_values(db, known):
    with db.engine.connect() as conn:
        conn.execute(text("UPDATE channel_account SET unreachable = :yes"), {"yes": True})
        conn.commit()
    with db.session() as s:
        assert Prepared(_SEEN).count(s.connection(), {"account_id": known, "now": WHEN}) == 1
        assert Prepared(_SEEN).count(s.connection(), {"account_id": known + 99, "now": WHEN}) == 0
    with db.engine.connect() as conn:
        assert tuple(conn.execute(text("SELECT unreachable, last_seen_at FROM channel_account")).one()) in (
            (False, WHEN), (0, str(WHEN).replace("T", " ")))


def test_it_begins_the_transaction_as_execute_does(db, known):
    with db.engine.connect() as conn:
        assert Prepared(_SEEN).count(conn, {"account_id": known, "now": WHEN}) == 1
        assert conn.in_transaction()
        conn.rollback()
    with db.engine.connect() as conn:
        assert conn.execute(select(ChannelAccount.__table__.c.last_seen_at)).scalar() != WHEN


def test_a_duplicate_key_is_sqlalchemys_integrity_error_and_the_session_goes_on(db):
    claim = Prepared(insert(ProcessedUpdate.__table__))
    values = {"channel": "telegram", "update_key": "u1", "created_at": WHEN}
    with db.session() as s:
        claim.count(s.connection(), values)
    with pytest.raises(IntegrityError), db.session() as s:
        claim.count(s.connection(), values)
    with db.session() as s:
        assert claim.count(s.connection(), {**values, "update_key": "u2"}) == 1


def test_only_plain_parameters_and_no_python_defaults_are_taken(db):
    table = Table("numbers", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer, default=5))
    with db.engine.connect() as conn, pytest.raises(ValueError, match="plain parameters"):
        Prepared(select(table.c.id).where(table.c.id.in_(bindparam("ids", expanding=True)))).rows(conn, {"ids": [1]})
    with db.engine.connect() as conn, pytest.raises(ValueError, match="defaults"):
        Prepared(insert(table), columns=("id",)).count(conn, {"id": 1})


def test_a_cut_connection_is_invalidated_and_raised_as_operational_error():
    app = f"linli_prepared_{uuid.uuid4().hex[:12]}"
    schema = PostgresSchema(postgres_base_url())
    db = Database(f"{schema.url}&application_name={app}", pool_size=1)
    try:
        db.create_all()
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            admin = create_engine(postgres_base_url(), isolation_level="AUTOCOMMIT")
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :a"),
                              {"a": app})
            admin.dispose()
            with pytest.raises(OperationalError) as failed:
                Prepared(_LOAD).first(conn, {"account_id": 1, "chat": "private"})
            assert failed.value.connection_invalidated and conn.invalidated
        with db.session() as s:  # the pool hands out a fresh connection
            assert Prepared(_LOAD).first(s.connection(), {"account_id": 1, "chat": "private"}) is None
    finally:
        db.dispose()
        schema.drop()


def test_a_turns_reply_rows_go_in_one_statement_of_fixed_text(db, known):
    rows = [{"idem_key": f"r{i}", "kind": "reply", "account_id": known, "payload": "{}", "due_at": WHEN,
             "urgent": True, "status": "sending", "attempts": 1, "last_error": "", "created_at": WHEN}
            for i in range(3)]
    seen, ids = sent(db, lambda c: insert_rows(c, rows))
    assert len(seen) == 1 and seen[0][0] == values_insert(db.engine.dialect.name, 3).plan(db.engine.dialect).sql
    assert sorted(ids) == ["r0", "r1", "r2"]
