"""The terminal channel: numbered choices, typed answers."""
from __future__ import annotations

import sys
from collections.abc import Callable

from bot.dialogs.engine import Dialogs, number_choices
from bot.messages import Incoming, Reply

CHANNEL = "console"


def render_reply(reply: Reply) -> str:
    """A reply as terminal text: the message, then its numbered choices."""
    lines = [reply.text]
    if reply.picture:
        lines.append(f"[图片] {reply.picture}")
    if reply.file:
        lines.append(f"[文件] {reply.file}")
    if reply.choices:
        lines.append("")
        lines.extend(number_choices(reply.choices))
    return "\n".join(lines)


class ConsoleChat:
    """One terminal user talking to the dialogs."""

    def __init__(self, dialogs: Dialogs, user_id: str = "local"):
        self.dialogs = dialogs
        self.user_id = user_id

    def say(self, text: str) -> str:
        """Send one line; the bot's answer as text."""
        incoming = Incoming(CHANNEL, self.user_id, text=text)
        return "\n\n".join(render_reply(r) for r in self.dialogs.handle(incoming))


def run_console(dialogs: Dialogs, user_id: str, read: Callable[[str], str] = input,
                write: Callable[[str], None] = print) -> None:
    """Talk until end of input or 退出."""
    chat = ConsoleChat(dialogs, user_id)
    write(chat.say("/start"))
    while True:
        try:
            line = read("\n> ")
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if line.strip() in ("退出", "exit", "quit", "/quit"):
            write("再见！")
            return
        write(chat.say(line))
        sys.stdout.flush()
