"""What one 公众号 callback asks of us: a typed text, a menu click, a scan, a follow or an unfollow."""
from __future__ import annotations

import re
from dataclasses import dataclass

from wechatpy import parse_message

from bot.messages import Incoming

CHANNEL = "wechat"
SCENE = re.compile(r"^[A-Za-z0-9_-]{1,60}$")  # our scenes: "course-CODE", "vote-12"


@dataclass(frozen=True)
class Job:
    """One callback, ready to run: the follower, our 公众号 id, the de-duplication key and what to do."""

    user: str
    account: str          # ToUserName: our 公众号, the sender of a passive reply
    update_key: str
    incoming: Incoming | None = None  # None: nothing to run (an unfollow)
    unfollow: bool = False


def _start(scene: str) -> str:
    """The deep link a QR scene opens ("course-CODE" → "/start course-CODE"); the menu otherwise."""
    return f"/start {scene}" if SCENE.match(scene or "") else "/start"


def job_for(xml: str) -> Job | None:
    """Translate a plaintext callback; None for events that need nothing (view, location, send reports)."""
    msg = parse_message(xml)
    data = msg._data
    user = str(data.get("FromUserName") or "")
    account = str(data.get("ToUserName") or "")
    if not user:
        raise ValueError("callback without FromUserName")
    kind = str(data.get("MsgType") or "").lower()
    if kind != "event":
        msg_id = str(data.get("MsgId") or "")
        if not msg_id:
            raise ValueError("message without MsgId")
        key = f"msg:{msg_id}"
        if kind != "text":  # a picture, voice, video or location: answered with the current choices
            return Job(user, account, key, Incoming(CHANNEL, user, update_key=key, unreadable=True))
        return Job(user, account, key, Incoming(CHANNEL, user, text=str(data.get("Content") or ""),
                                                update_key=key))
    # parse_message turns "subscribe" with a "qrscene_…" key into subscribe_scan, the key stripped.
    event = str(data.get("Event") or "").lower()
    key = f"evt:{user}:{data.get('CreateTime')}:{event}"
    if event == "unsubscribe":
        return Job(user, account, key, unfollow=True)
    if event == "subscribe":
        text = "/start"
    elif event in ("subscribe_scan", "scan"):
        text = _start(str(data.get("EventKey") or ""))
    elif event == "click":
        text = str(data.get("EventKey") or "")  # menu keys are the words a resident would type
    else:
        return None
    return Job(user, account, key, Incoming(CHANNEL, user, text=text, update_key=key))
