"""Counting sends by the fake API's arrival times: the most in any window, the rate achieved."""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from bot.clock import utcnow
from bot.messages import Reply
from store.db import Database
from store.models import ChannelAccount, Resident
from store.outbox import enqueue


def most_in_any_window(times: Iterable[float], width: float) -> int:
    """The most arrivals in any half-open window [t, t + width)."""
    ordered = sorted(times)
    return max((bisect_left(ordered, t + width) - i for i, t in enumerate(ordered)), default=0)


def achieved_rate(times: Iterable[float], limit: float) -> float:
    """Sends a second from the first to the last, counting the last one's slot (1/limit)."""
    ordered = sorted(times)
    if len(ordered) < 2:
        return 0.0
    return len(ordered) / (ordered[-1] - ordered[0] + 1.0 / limit)


def by_chat(calls) -> dict[int, list[float]]:
    """Arrival times of successful sendMessage calls, per chat id."""
    out: dict[int, list[float]] = defaultdict(list)
    for call in calls:
        if call.method == "sendMessage" and call.status == 200:
            out[call.params["chat_id"]].append(call.at)
    return dict(out)


def backlog(db: Database, chats: list[int], label: str = "") -> None:
    """One due notice per entry of chats (a chat named n times gets n), in that order."""
    due = utcnow() - timedelta(minutes=1)
    with db.session() as s:
        accounts: dict[int, ChannelAccount] = {}
        for chat in dict.fromkeys(chats):
            resident = Resident(display_name=f"居民{chat}")
            s.add(resident)
            s.flush()
            accounts[chat] = ChannelAccount(channel="telegram", external_id=str(chat),
                                            resident_id=resident.id)
            s.add(accounts[chat])
        s.flush()
        for n, chat in enumerate(chats):
            reply = Reply(f"幸福社区通知{label} #{n}：周六上午广场舞比赛，欢迎报名。")
            enqueue(s, idem_key=f"limits{label}:{n}", kind="notice", payload=reply.to_dict(),
                    due_at=due + timedelta(milliseconds=n), account_id=accounts[chat].id,
                    urgent=True)
