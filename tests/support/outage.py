"""The database going away under a running service: statements fail as when the server restarts."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from store.db import Database


class Outage:
    """While failing, statements on the database raise OperationalError before they reach it.

    `fail(touching=…)` limits the failure to statements containing that text (a table name), so a
    test can let an update be stored and then make its turn fail; `times` ends it on its own."""

    def __init__(self, db: Database):
        self.left = 0
        self.touching = ""
        self.failed = 0
        event.listen(db.engine, "before_cursor_execute", self._check)

    def fail(self, touching: str = "", times: int = 1_000_000) -> None:
        """From now on, fail the next `times` statements (containing `touching`)."""
        self.touching, self.left = touching, times

    def end(self) -> None:
        """The database is back."""
        self.left = 0

    def _check(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.left and self.touching in statement:
            self.left -= 1
            self.failed += 1
            raise OperationalError(statement, parameters, ConnectionError("server closed the connection"))
