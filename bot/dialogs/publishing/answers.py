"""The questions of 发布课程: which answers each offers as choices, and how a typed answer is read
and checked (the catalogue's own limits, so the final check rarely has anything left to say)."""
from __future__ import annotations

import re
from datetime import datetime

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.publishing.sessions import parse_moment, parse_sessions
from bot.dialogs.publishing.shown import typed_count
from bot.dialogs.staff_access import record_refusal
from store.catalog_file import MAX_COMPANIONS, MAX_LENGTH
from store.models.catalog import SECTIONS
from store.models.staff import ORGANIZER
from store.publishing import category_names, category_section
from store.publishing_scope import may_publish_at, usable_venues, venue_named, venue_unit_id

STEPS = ("section", "category", "title", "teacher", "venue", "sessions", "capacity", "tags", "mode",
         "apply_until", "companions", "seat_offer")
NUMBER_STEPS = ("capacity", "companions")
MOST_SEATS = 999
MOST_OFFERED = 5  # existing categories or venues offered as choices, beside 返回上一步 and 取消发布


def offers(ctx: Context, form: dict, step: str) -> list[tuple[str, str]]:
    """(label, value) of the answers a question offers as choices."""
    if step == "section":
        return [(name, name) for name in SECTIONS]
    if step == "category":
        return [(name, name) for name in category_names(ctx.session, form["section"])[:MOST_OFFERED]]
    if step == "venue":
        names = dict.fromkeys(v.name for v in usable_venues(ctx.session, ctx.resident_id))
        return [(name, name) for name in list(names)[:MOST_OFFERED]]
    if step == "tags":
        return [(ctx.t("btn_pub_no_tags"), "")]
    if step == "mode":
        return [(ctx.t("btn_pub_first_come"), "first_come"), (ctx.t("btn_pub_lottery"), "lottery")]
    if step == "companions":
        return [(ctx.t("btn_pub_no_companions"), "0")]
    if step == "seat_offer":
        return [(ctx.t("btn_pub_auto"), "auto"), (ctx.t("btn_pub_offer"), "offer")]
    return []


def _text(ctx: Context, form: dict, step: str, text: str, label: str) -> str | None:
    most = MAX_LENGTH[step]
    if not 1 <= len(text) <= most:
        return ctx.t("pub_bad_text", label=label, most=most)
    form[step] = text
    return None


def venue_refusal(ctx: Context, name: str) -> str | None:
    """Why the organizer may not publish at the venue of that name (the attempt audited); None when
    it is theirs or new to the catalogue (a new one goes where they work)."""
    venue = venue_named(ctx.session, name)
    if venue is None or may_publish_at(ctx.session, ctx.resident_id, venue):
        return None
    record_refusal(ctx, ORGANIZER, "course.publish", venue.community, venue_unit_id(ctx.session, venue))
    return ctx.t("pub_venue_not_yours", name=venue.name)


def _venue_check(ctx: Context, form: dict) -> str | None:
    refused = venue_refusal(ctx, form["venue"])
    if refused:
        del form["venue"]
    return refused


def now_local(ctx: Context) -> datetime:
    """Now on the wall clock of the configured zone (naive)."""
    return to_local(ctx.now, ctx.tz).replace(tzinfo=None)


def take(ctx: Context, form: dict, step: str, text: str) -> str | None:
    """Keep a typed answer in form; the error text when it does not fit."""
    text = re.sub(r"\s+", " ", text).strip() if step != "sessions" else text.strip()
    if step == "section":
        if text not in SECTIONS:
            return ctx.t("pub_bad_section")
        form["section"] = text
    elif step == "category":
        section = category_section(ctx.session, text)
        if section is not None and section != form["section"]:
            return ctx.t("pub_bad_category_section", name=text, section=section)
        return _text(ctx, form, step, text, "项目")
    elif step == "venue":
        return _text(ctx, form, step, text, "教学点") or _venue_check(ctx, form)
    elif step in ("title", "teacher"):
        return _text(ctx, form, step, text, {"title": "课程名称", "teacher": "讲师"}[step])
    elif step == "sessions":
        parsed = parse_sessions(text, now_local(ctx))
        if parsed.error:
            return ctx.t(parsed.error)
        form["sessions"] = [[start.isoformat(), end.isoformat()] for start, end in parsed.sessions]
    elif step in NUMBER_STEPS:
        low, most = (1, MOST_SEATS) if step == "capacity" else (0, MAX_COMPANIONS)
        number = typed_count(text)
        if number is None or not low <= number <= most:
            return ctx.t(f"pub_bad_{step}", most=most)
        form[step] = number
    elif step == "tags":
        if text in ("无", "没有", "不要", "不用"):
            text = ""
        if len(text) > MAX_LENGTH["tags"]:
            return ctx.t("pub_bad_text", label="标签", most=MAX_LENGTH["tags"])
        form["tags"] = text
    elif step == "apply_until":
        moment = parse_moment(text, now_local(ctx))
        if moment is None:
            return ctx.t("pub_bad_moment")
        if moment >= datetime.fromisoformat(form["sessions"][0][0]):
            return ctx.t("pub_bad_apply_until")
        form["apply_until"] = moment.isoformat()
    else:
        return ctx.t("pub_bad_pick")
    return None
