"""A throwaway PostgreSQL server of a test's own (initdb + pg_ctl in a temp dir, on a free port).

For tests that restart or stop PostgreSQL: the shared server the rest of the suite uses is never
touched. As root (PostgreSQL refuses to run as root) the server runs as the `postgres` user.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.workers import free_port


class ThrowawayCluster:
    """initdb in a directory, then start, restart and stop the server there."""

    def __init__(self, root: Path | None = None):
        # Its own directory under the system's temp dir: pytest's are private to their owner, and
        # the server may run as another user.
        self.root = root or Path(tempfile.mkdtemp(prefix="linli-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.restarts = 0

    @property
    def url(self) -> str:
        """The URL of its `postgres` database (trust authentication, TCP on localhost)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60.0) -> None:
        prefix = []
        if os.geteuid() == 0:
            prefix = ["runuser", "-u", "postgres", "--"]
        # Output to a file, never a pipe: the server started would hold a pipe open for its life.
        with (self.root / "pg_ctl.log").open("ab") as out:
            subprocess.run([*prefix, *args], check=True, timeout=timeout, stdout=out, stderr=out,
                           stdin=subprocess.DEVNULL)

    def _options(self) -> str:
        # No fsync: the data is thrown away. Its own socket directory: no clash with the shared server.
        return (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                f"-c synchronous_commit=off -c max_connections=100")

    def start(self) -> "ThrowawayCluster":
        """initdb (first time) and start; returns once it accepts connections."""
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync",
                      "-E", "UTF8")
        self._run("pg_ctl", "-D", str(self.data), "-o", self._options(), "-l",
                  str(self.root / "server.log"), "-w", "start")
        return self

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every connection is cut, transactions under way roll back."""
        self._run("pg_ctl", "-D", str(self.data), "-o", self._options(), "-l",
                  str(self.root / "server.log"), "-m", "fast", "-w", "restart")
        self.restarts += 1

    def stop(self) -> None:
        """Stop it at once and remove its files."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.root, ignore_errors=True)
