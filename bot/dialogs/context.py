"""What a flow handler gets: the store session, who is talking, their state and the clock."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.messages import Incoming, Reply
from bot.privacy import phone_cipher
from bot.settings import Settings
from bot.texts import t
from store.people import Account
from store.phones import PhoneCipher


ACTING_KEY = "acting_for"  # the chat's 代办, kept in its state data across turns


@dataclass
class Context:
    """One turn of one conversation."""

    session: Session
    settings: Settings
    account: Account
    now: datetime  # naive UTC
    expect: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    services: Any = None
    state: str = ""  # the named state of a multi-step flow (bot.dialogs.states), "" for none
    state_expires: datetime | None = None  # when that state lapses
    private: bool = True  # the person's own chat with the bot, not a group

    @property
    def resident_id(self) -> int:
        """The resident the turn acts for: the person acted for in 代办, else the one behind the account."""
        acting = self.acting
        return int(acting["id"]) if acting else self.account.resident_id

    @property
    def actor_id(self) -> int:
        """The person behind the account, who does what the turn does (staff or a relative in 代办)."""
        return self.account.resident_id

    @property
    def acting(self) -> dict[str, Any] | None:
        """代办 in this chat: {"id", "name", "how": "staff"|"family"}, or None (bot.dialogs.acting)."""
        acting = self.data.get(ACTING_KEY)
        return acting if isinstance(acting, dict) and acting.get("id") else None

    @property
    def acting_for(self) -> int | None:
        """The person acted for in 代办, or None."""
        acting = self.acting
        return int(acting["id"]) if acting else None

    @property
    def channel(self) -> str:
        """The channel this turn came from."""
        return self.account.channel

    @property
    def tz(self) -> ZoneInfo:
        """The configured display zone."""
        return ZoneInfo(self.settings.general.timezone)

    @property
    def lang(self) -> str:
        """The configured language of texts."""
        return self.settings.general.language

    def expect_number_answer(self) -> None:
        """Let the next typed number answer the question asked now instead of picking a choice."""
        self.data["number_is_answer"] = True

    def phones(self) -> PhoneCipher:
        """The cipher of stored phone numbers (seal before storing, open before showing)."""
        return phone_cipher(self.settings, str(self.session.get_bind().engine.url))

    def t(self, key: str, **values: object) -> str:
        """A text in this conversation's language."""
        return t(key, self.lang, **values)


def remember_choices(data: dict[str, Any], replies: list[Reply], before: Any = None) -> None:
    """Store the choices of the last reply that has any into state data, so a typed number or a
    button's words mean the same as a tap. A turn that shows no choices forgets the old ones,
    unless its flow put in choices of its own (`before` is what the turn started with)."""
    for reply in reversed(replies):
        if reply.choices:
            data["choices"] = [c.payload for c in reply.choices]
            data["last"] = reply.to_dict()
            return
    if replies and data.get("choices") is before:
        data.pop("choices", None)
        data.pop("last", None)


def pressed_on_screen(data: dict[str, Any], incoming: Incoming) -> bool:
    """True when a press in the private chat came from the chat's current screen, one that may be
    replaced: the pressed message shows the remembered screen's text and buttons."""
    pressed, last = incoming.pressed, data.get("last")
    if pressed is None or incoming.payload is None or not incoming.in_private or not last:
        return False
    return (bool(last.get("replaceable")) and pressed.text.strip() == last.get("text", "").strip()
            and list(pressed.payloads) == [payload for _label, payload in last.get("choices", [])])
