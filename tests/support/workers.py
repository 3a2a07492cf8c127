"""Real `linli serve` worker processes for tests: started with a private environment, stopped by signal."""
from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.handlers.telegram.webhook import SECRET_HEADER
from bot.settings import Settings, load_settings
from store.db import Database
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.wecom_api import FakeWecomApi
from tests.fakes.wecom_callbacks import FakeWecomCallbacks
from tests.fakes.wecom_stack import AGENT_ID, TOKEN
from tests.support.databases import TEST_PHONE_KEY
from tests.support.templates import sqlite_file
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = "worker-test-secret_0123456789"
WEBHOOK_PATH = "/telegram/webhook"


def free_port() -> int:
    """A TCP port nobody listens on right now, below the ephemeral range.

    A port the OS hands out for binding to 0 is an ephemeral one, which any outgoing connection
    (to PostgreSQL, to a fake API) may take as its local port before the worker binds it."""
    first_ephemeral = _first_ephemeral_port()
    for _ in range(200):
        port = random.randrange(min(20000, first_ephemeral // 2), first_ephemeral)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def _first_ephemeral_port() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def migrated_database(url: str) -> Database:
    """The database at url brought up to date as `linli db upgrade` does before workers start."""
    from bot.schema import upgrade_schema
    path = url.removeprefix("sqlite:///")
    if path != url and not Path(path).exists():
        return Database(sqlite_file(Path(path), "migrated"), pool_size=2)  # the run's template, copied
    db = Database(url, pool_size=2)
    upgrade_schema(db)
    db.create_all()  # no-op when the migrations cover every model
    return db


def linli_env(database_url: str, files_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of one `linli` command: every channel off, a fast tick, no quiet hours.

    settings: SECTION__KEY=value, e.g. TELEGRAM__TOKEN="…" becomes LINLI_TELEGRAM__TOKEN."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update({
        "LINLI_CONFIG": str(ROOT / "settings.toml"),
        "LINLI_DATABASE__URL": database_url,
        "LINLI_DATABASE__POOL_SIZE": "4",
        "LINLI_GENERAL__DEMO_ON_EMPTY": "false",
        "LINLI_TELEGRAM__TOKEN": "",
        "LINLI_WECOM__CORP_ID": "",
        "LINLI_WEB__HOST": "127.0.0.1",
        "LINLI_SCHEDULER__TICK_SECONDS": "0.2",
        "LINLI_SCHEDULER__QUIET_START": "00:00",
        "LINLI_SCHEDULER__QUIET_END": "00:00",
        "LINLI_FILES__DIR": str(files_dir),
        "LINLI_PRIVACY__PHONE_KEY": TEST_PHONE_KEY,
    })
    env.update({f"LINLI_{k.upper()}": v for k, v in settings.items()})
    return env


def telegram_on(api: FakeBotApi, mode: str = "webhook") -> dict[str, str]:
    """Settings that turn Telegram on against the fake Bot API (webhook mode with SECRET)."""
    return {
        "TELEGRAM__TOKEN": api.token,
        "TELEGRAM__BASE_URL": api.base_url,
        "TELEGRAM__BASE_FILE_URL": api.base_file_url,
        "TELEGRAM__MODE": mode,
        "TELEGRAM__WEBHOOK_SECRET": SECRET,
        "TELEGRAM__WEBHOOK_PATH": WEBHOOK_PATH,
        # The fake is not Telegram: pacing would only make the test slow.
        "TELEGRAM__RATE_OVERALL_PER_SECOND": "100000",
        "TELEGRAM__RATE_PER_CHAT_PER_SECOND": "1000",
    }


def wecom_on(fake: FakeWecomApi, encoding_aes_key: str) -> dict[str, str]:
    """Settings that turn WeCom on against the fake WeCom API, pacing each member at the fake's limit.

    A test with a long conversation raises fake.limit first: at WeCom's 30 a minute the shared
    member pace lets 15 go at once, then one every 4 s."""
    return {
        "WECOM__PER_MEMBER_PER_MINUTE": str(fake.limit),
        "WECOM__CORP_ID": fake.corp_id,
        "WECOM__AGENT_ID": str(AGENT_ID),
        "WECOM__SECRET": fake.secret,
        "WECOM__TOKEN": TOKEN,
        "WECOM__ENCODING_AES_KEY": encoding_aes_key,
        "WECOM__API_BASE_URL": fake.base_url,
    }


def settings_of(**settings: str) -> Settings:
    """The settings a process started with these SECTION__KEY values reads."""
    return load_settings({"LINLI_CONFIG": str(ROOT / "settings.toml"), "LINLI_PRIVACY__PHONE_KEY": TEST_PHONE_KEY,
                          **{f"LINLI_{k.upper()}": v for k, v in settings.items()}})


@dataclass
class Worker:
    """One running `python -m bot.cli serve`."""

    name: str
    port: int
    proc: asyncio.subprocess.Process
    log_path: Path

    @property
    def url(self) -> str:
        """Base URL of its web server."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook_url(self) -> str:
        """Where Telegram would POST updates to this worker."""
        return self.url + WEBHOOK_PATH

    def wecom_callbacks(self, settings: Settings) -> FakeWecomCallbacks:
        """WeCom's side of this worker's callback URL: signed, encrypted posts."""
        w = settings.wecom
        return FakeWecomCallbacks(self.url + w.callback_path, w.token.get_secret_value(),
                                  w.encoding_aes_key.get_secret_value(), w.corp_id, int(w.agent_id))

    def tail(self, lines: int = 40) -> str:
        """The end of its log, for failure messages."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return f"--- {self.name} ---\n" + "\n".join(text.splitlines()[-lines:])


async def run_linli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run one `linli` command as a process; its exit code, stdout and stderr."""
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, env=env, cwd=ROOT,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


async def start_serve(name: str, database_url: str, log_dir: Path, **settings: str) -> Worker:
    """Start `python -m bot.cli serve` on a free port, or on WEB__PORT (settings: SECTION__KEY=value)."""
    port = int(settings.pop("WEB__PORT", 0)) or free_port()
    log_path = log_dir / f"{name}.log"
    env = linli_env(database_url, log_dir / "files", WEB__PORT=str(port), **settings)
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "serve", cwd=str(ROOT), env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=asyncio.subprocess.STDOUT)
    return Worker(name, port, proc, log_path)


async def start_worker(name: str, api: FakeBotApi, database_url: str, log_dir: Path,
                       **extra: str) -> Worker:
    """Start one webhook-mode worker on the fake Bot API (extra: SECTION__KEY=value settings)."""
    return await start_serve(name, database_url, log_dir, **{**telegram_on(api), **extra})


@asynccontextmanager
async def serving(name: str, database_url: str, log_dir: Path, **settings: str) -> AsyncIterator[Worker]:
    """A healthy `linli serve` for the block; SIGTERM after it, which must end the process cleanly.

    When the block fails the process is still stopped, and its log is added to the failure."""
    worker = await start_serve(name, database_url, log_dir, **settings)
    try:
        await wait_healthy([worker])
        yield worker
    except BaseException as exc:
        exc.add_note(worker.tail())
        await stop_quietly(worker)
        raise
    code = await stop_worker(worker)
    assert code == 0, f"{name} exited with {code} after SIGTERM\n{worker.tail()}"


async def stop_quietly(worker: Worker) -> None:
    """Stop a worker whose test already failed: SIGTERM, and kill it when that does not work."""
    try:
        await stop_worker(worker)
    except AssertionError:
        pass  # stop_worker killed it; the test's own failure is the one to report


async def wait_healthy(workers: list[Worker], timeout: float = 90.0) -> None:
    """Return once GET /healthz answers 200 on every worker; fail early if one exits."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:

        async def healthy(worker: Worker) -> bool:
            if worker.proc.returncode is not None:
                raise AssertionError(f"{worker.name} exited with {worker.proc.returncode}\n{worker.tail()}")
            try:
                async with http.get(worker.url + "/healthz") as response:
                    return response.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError):
                return False  # not listening yet

        for worker in workers:
            await wait_until(lambda: healthy(worker), timeout,
                             what=lambda: f"{worker.name} healthy\n{worker.tail()}")


async def stop_worker(worker: Worker, timeout: float = 30.0) -> int:
    """SIGTERM, then its exit code (killed and reported when it does not exit in time)."""
    if worker.proc.returncode is None:
        worker.proc.send_signal(signal.SIGTERM)
    try:
        return await asyncio.wait_for(worker.proc.wait(), timeout)
    except asyncio.TimeoutError:
        worker.proc.kill()
        await worker.proc.wait()
        raise AssertionError(f"{worker.name} did not exit within {timeout}s\n{worker.tail()}") from None


async def kill_all(workers: list[Worker]) -> None:
    """Last resort in a finally: no worker outlives its test."""
    for worker in workers:
        if worker.proc.returncode is None:
            worker.proc.kill()
            await worker.proc.wait()


async def post_update(http: aiohttp.ClientSession, worker: Worker, update: dict[str, Any],
                      secret: str = SECRET, api: FakeBotApi | None = None) -> int:
    """POST one update to a worker's webhook like Telegram does; the HTTP status.

    With the fake Bot API given, a method call in the response is carried out there, as
    Telegram does (a press answered in the webhook's response)."""
    body = json.dumps(update, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json", SECRET_HEADER: secret}
    async with http.post(worker.webhook_url, data=body, headers=headers) as response:
        answer = await response.read()
        if api is not None:
            api.webhook_answered(response.status, answer)
        return response.status
