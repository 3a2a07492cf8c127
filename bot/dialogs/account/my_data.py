"""我的数据: what is stored about me, the same as a file, and deleting my account (with a confirmation)."""
from __future__ import annotations

import json
import os

from bot.dialogs.callback import Callback
from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.pushes.seats import promoted
from bot.dialogs.router import Router
from bot.messages import Choice, Reply
from bot.privacy import exports_dir
from bot.privacy import mask_phone
from store.erasure import erase_resident
from store.models import Course
from store.my_data import person_rows, person_summary


class MyData(Callback, prefix="mydt"):
    """我的数据: the summary screen."""


class ExportMyData(Callback, prefix="mydx"):
    """导出为文件."""


class AskErase(Callback, prefix="myda"):
    """删除我的账号: what it does, and the confirmation."""


class Erase(Callback, prefix="mydd"):
    """确认删除."""


router = Router("account.my_data")
router.menu(95, "btn_my_data", MyData)
router.keywords({"我的数据", "我的信息", "个人信息", "/mydata"}, MyData)


def _channel(ctx: Context, channel: str) -> str:
    return ctx.t({"telegram": "channel_telegram", "wecom": "channel_wecom", "wechat": "channel_wechat",
                  "web": "channel_web", "console": "channel_console"}.get(channel, "channel_other"))


def _listed(ctx: Context, items: list[str]) -> str:
    return ctx.t("my_data_sep").join(items) if items else ctx.t("my_data_none")


def _choices(ctx: Context) -> tuple[Choice, ...]:
    return (Choice(ctx.t("btn_my_data_export"), ExportMyData().pack()),
            Choice(ctx.t("btn_my_data_erase"), AskErase().pack()), menu_button(ctx))


@router.payload(MyData)
def my_data(ctx: Context, data: MyData) -> Reply:
    """A short summary of everything stored about the person."""
    found = person_summary(ctx.session, ctx.resident_id)
    phones = list(dict.fromkeys(mask_phone(ctx.phones().open(p)) for p in found.contact_phones))
    roles = [ctx.t(f"role_{r}") for r in found.roles] or [ctx.t("my_data_resident")]
    text = ctx.t("my_data_title", name=found.name or ctx.t("my_data_none"), phones=_listed(ctx, phones),
                 communities=_listed(ctx, found.communities),
                 accounts=_listed(ctx, [_channel(ctx, c) for c in found.accounts]),
                 sign_ups=found.sign_ups, bookings=found.bookings, orders=found.orders, ratings=found.ratings,
                 feedback=found.feedback, points=found.points, roles=_listed(ctx, roles),
                 days=ctx.settings.privacy.history_days)
    return Reply(text, _choices(ctx))


@router.payload(ExportMyData)
def export_my_data(ctx: Context, data: ExportMyData) -> Reply:
    """Everything stored about the person as a JSON file; phones masked."""
    rows = person_rows(ctx.session, ctx.resident_id)
    for order in rows["orders"]:
        order["contact_phone"] = mask_phone(ctx.phones().open(order["contact_phone"]))
    folder = exports_dir(ctx.settings)  # the housekeeping round deletes these files after a day
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"my-data-{ctx.resident_id}-{ctx.now:%Y%m%d%H%M%S}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(rows, out, ensure_ascii=False, indent=2)
    return Reply(ctx.t("my_data_exported"), _choices(ctx), file=str(path))


@router.payload(AskErase)
def ask_erase(ctx: Context, data: AskErase) -> Reply:
    """What deleting the account does, and the confirmation."""
    return Reply(ctx.t("erase_ask"), (Choice(ctx.t("btn_erase_yes"), Erase().pack()),
                                      Choice(ctx.t("btn_erase_no"), MyData().pack()), menu_button(ctx)))


@router.payload(Erase)
def erase(ctx: Context, data: Erase) -> Reply:
    """Delete the account in this turn's transaction; those promoted from a waiting list are told."""
    result = erase_resident(ctx.session, ctx.resident_id, ctx.now, actor=f"{ctx.channel}:self")
    if result.status != "erased":
        return Reply(ctx.t("erase_already"))
    for enrolment in result.promoted:
        promoted(ctx, ctx.session.get(Course, enrolment.course_id), enrolment)
    ctx.data.clear()  # nothing of the conversation stays behind
    ctx.expect, ctx.state, ctx.state_expires = "", "", None
    return Reply(ctx.t("erased", places=result.places_cancelled, bookings=result.bookings_cancelled,
                       orders=result.orders_withdrawn))
