"""Fixtures of the web chat tests: a small catalogue and an HTTP client on the real app."""
from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_service
from tests.conftest import START
from tests.support.catalog import add_course

_ids = itertools.count(1)


async def new_session(client: TestClient) -> None:
    """Forget the cookie and open the page again: a different resident."""
    client.session.cookie_jar.clear()
    await client.get("/")


def message_id() -> str:
    """A fresh id of the kind the page makes."""
    return f"test-message-{next(_ids):06d}"


@pytest.fixture
def web_catalogue(sqlite_db):
    """Two courses: calligraphy (culture) and taiji (sports)."""
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=2,
               first_start=START + timedelta(days=1, hours=1), teacher="林秀兰老师",
               venue="和平街道文化站", address="和平街道幸福路 88 号")
    add_course(sqlite_db, "TY-TJ-01", "杨式太极拳（24式）", category="太极", section="体育",
               first_start=START + timedelta(days=2), teacher="赵德胜老师")
    return sqlite_db


@pytest.fixture
async def web_client(dialogs, settings, web_catalogue):
    """A client with a cookie jar, talking to the web app over real HTTP."""
    client = TestClient(TestServer(build_service(settings, dialogs=dialogs).web_app))
    await client.start_server()
    await client.get("/")  # the page gives the session cookie, as in a browser
    yield client
    await client.close()


async def post_json(client: TestClient, path: str, body: dict) -> tuple[int, dict]:
    """POST a JSON body; the status and the JSON answer."""
    resp = await client.post(path, json=body)
    return resp.status, await resp.json()


async def say(client: TestClient, text: str, mid: str | None = None) -> dict:
    """Type text; the JSON answer (status 200 expected)."""
    status, data = await post_json(client, "/api/message", {"id": mid or message_id(), "text": text})
    assert status == 200, data
    return data


async def press(client: TestClient, payload: str, label: str = "") -> dict:
    """Press a choice; the JSON answer (status 200 expected)."""
    status, data = await post_json(client, "/api/message",
                                   {"id": message_id(), "payload": payload, "label": label})
    assert status == 200, data
    return data


def texts(data: dict) -> str:
    """All reply texts of an answer, one string."""
    return "\n".join(r["text"] for r in data["replies"])


def labels(data: dict) -> list[str]:
    """The choice labels of the last reply that has any."""
    for reply in reversed(data["replies"]):
        if reply["choices"]:
            return [label for label, _ in reply["choices"]]
    return []


def payload_of(data: dict, label_part: str) -> str:
    """The payload of the first choice whose label contains label_part."""
    for reply in data["replies"]:
        for label, payload in reply["choices"]:
            if label_part in label:
                return payload
    raise AssertionError(f"no choice with {label_part!r} in {data}")
