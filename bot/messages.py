"""Channel-neutral messages: what comes in and what goes out."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit, the tightest of our channels


@dataclass(frozen=True)
class Choice:
    """One numbered choice: the label shown and the payload it sends back."""

    label: str
    payload: str

    def __post_init__(self) -> None:
        if len(self.payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"choice payload over {MAX_PAYLOAD_BYTES} bytes: {self.payload!r}")


@dataclass(frozen=True)
class Reply:
    """A message to show: text, optional choices, optional picture or file (path).

    replaceable: a screen on the way somewhere (a menu, a list, a question), which the answer to a
    press of its own buttons may replace in place; a message worth keeping (a confirmation, a
    notice) is not."""

    text: str
    choices: tuple[Choice, ...] = ()
    picture: str | None = None
    file: str | None = None
    replaceable: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for the outbox and the web page)."""
        out: dict[str, Any] = {"text": self.text,
                               "choices": [[c.label, c.payload] for c in self.choices]}
        if self.picture:
            out["picture"] = self.picture
        if self.file:
            out["file"] = self.file
        if self.replaceable:
            out["replaceable"] = True
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Reply":
        """The inverse of to_dict."""
        return cls(text=data.get("text", ""),
                   choices=tuple(Choice(label, payload) for label, payload in data.get("choices", [])),
                   picture=data.get("picture"), file=data.get("file"),
                   replaceable=bool(data.get("replaceable")))


@dataclass(frozen=True)
class Pressed:
    """The message whose button was pressed, as the chat shows it: its text and its buttons' payloads."""

    text: str
    payloads: tuple[str, ...]


@dataclass(frozen=True)
class Incoming:
    """One thing a user did: typed text, or pressed a choice (payload set), in a chat."""

    channel: str
    user_id: str
    text: str = ""
    payload: str | None = None
    update_key: str | None = None  # the channel's unique id of this update, for de-duplication
    display_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    chat_id: str = ""  # the chat it happened in; empty means the user's private chat with the bot
    unreadable: bool = False  # a voice message, sticker, picture, file or location: nothing to read
    pressed: Pressed | None = None  # with a payload: the message pressed, where the channel tells

    def __post_init__(self) -> None:
        if not self.chat_id:
            object.__setattr__(self, "chat_id", self.user_id)

    @property
    def in_private(self) -> bool:
        """True in the user's one-to-one chat with the bot (a private chat's id is the user's own)."""
        return self.chat_id == self.user_id


@dataclass
class Turn:
    """A turn's answer: the replies, and the outbox rows that hold them until they are sent."""

    replies: list[Reply]
    owed: list[int] = field(default_factory=list)  # leased to this worker, in reply order
    # The press was on the chat's current screen, a replaceable one: the first reply may take its place.
    replaces_pressed: bool = False
