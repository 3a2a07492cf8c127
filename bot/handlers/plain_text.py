"""A reply as one plain text, for channels without buttons or with only some."""
from __future__ import annotations

from bot.messages import Reply


def reply_as_text(reply: Reply, choice_lines: list[str]) -> str:
    """Message, links of attachments, then the given lines for the choices."""
    lines = [reply.text] if reply.text else []
    # Only links can be shown; a local file would need a media upload first.
    for mark, value in (("[图片]", reply.picture), ("[文件]", reply.file)):
        if value and value.startswith(("http://", "https://")):
            lines.append(f"{mark} {value}")
    if choice_lines:
        lines.append("")
        lines.extend(choice_lines)
    return "\n".join(lines).strip()
