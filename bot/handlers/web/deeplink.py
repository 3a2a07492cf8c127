"""Links that open one course directly (/?start=course-CODE), check in to a class (/?start=attend-CODE)
or check in to and out of a volunteer shift (/?start=shiftin-CODE, /?start=shiftout-CODE)."""
from __future__ import annotations

import re
from urllib.parse import quote

COURSE_PREFIX = "course-"
ATTEND_PREFIX = "attend-"
# Volunteer shifts: the verbs of checking in and out, by link prefix.
SHIFT_PREFIXES = {"shiftin-": "shin", "shiftout-": "shout"}
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def valid_code(code: str) -> bool:
    """True for a course code that may travel in a link."""
    return bool(_CODE.match(code or ""))


def course_link(base_url: str, code: str) -> str:
    """The web chat link that opens a course; raises ValueError for an unsafe code."""
    if not valid_code(code):
        raise ValueError(f"course code not allowed in a link: {code!r}")
    return f"{base_url.rstrip('/')}/?start={quote(COURSE_PREFIX + code)}"


def checkin_link(base_url: str, code: str) -> str:
    """The web chat link that checks the person in to the class with this code."""
    if not valid_code(code):
        raise ValueError(f"check-in code not allowed in a link: {code!r}")
    return f"{base_url.rstrip('/')}/?start={quote(ATTEND_PREFIX + code)}"


def start_payload(start: str | None) -> str | None:
    """The choice payload a start parameter stands for, or None when it means nothing."""
    for prefix, verb in SHIFT_PREFIXES.items():
        if start and start.startswith(prefix):
            code = start[len(prefix):]
            return f"{verb}:{code}" if valid_code(code) else None
    if start and start.startswith(ATTEND_PREFIX):
        code = start[len(ATTEND_PREFIX):]
        return f"here:{code}" if valid_code(code) else None
    if not start or not start.startswith(COURSE_PREFIX):
        return None
    code = start[len(COURSE_PREFIX):]
    return f"crs:{code}" if valid_code(code) else None
