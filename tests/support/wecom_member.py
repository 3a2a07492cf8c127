"""A WeCom member typing to a `linli serve` worker through signed, encrypted callbacks."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tests.fakes.wecom_api import FakeWecomApi
from tests.fakes.wecom_callbacks import FakeWecomCallbacks
from tests.support.waiting import wait_until

ARRIVES_WITHIN = 20.0  # seconds; generous for a loaded machine, never waited out when things work


@dataclass
class WecomMember:
    """One member of the WeCom application, and what the fake WeCom API delivered to them."""

    callbacks: FakeWecomCallbacks
    fake: FakeWecomApi
    user: str

    async def say(self, text: str, expect: str) -> str:
        """Type text; the first new message containing expect."""
        seen = len(self.fake.texts(self.user))
        posted = await self.callbacks.send_text(self.user, text)
        assert posted.status == 200, posted.body
        return await self.sees(expect, after=seen)

    async def sees(self, part: str, after: int = 0) -> str:
        """Wait for a text containing part (among those after the first `after`)."""
        def found() -> str | None:
            return next((t for t in self.fake.texts(self.user)[after:] if part in t), None)
        await wait_until(lambda: found() is not None, ARRIVES_WITHIN,
                         what=lambda: f"{self.user} to get {part!r}; got {self.fake.texts(self.user)[after:]}")
        return found()


def choice(text: str, label_part: str) -> str:
    """The number to type for the choice whose label holds label_part ('回复 2 普通通知')."""
    for number, label in re.findall(r"回复 (\d+) (.+)", text):
        if label_part in label:
            return number
    raise AssertionError(f"no choice {label_part!r} in {text!r}")
