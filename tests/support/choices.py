"""Reading numbered choices out of a text answer, as a resident would."""
from __future__ import annotations

import re

NUMBERED = r"^(\d+)\. {label}"       # the 公众号 and the console: "3. 报名"
REPLY_WITH = r"回复 (\d+) {label}"    # WeCom: "回复 3 报名"


def number_of(text: str, label: str, form: str = NUMBERED) -> str:
    """The number to type for the choice labelled label."""
    match = re.search(form.format(label=re.escape(label)), text, re.M)
    assert match, f"no choice {label!r} in:\n{text}"
    return match.group(1)
