"""`linli qr course CODE --out FILE.png`: a poster QR code; a phone camera opens the web chat on one course.
`linli qr checkin CODE --date YYYY-MM-DD --out FILE.png`: the code residents scan to check in to that day's class."""
from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.app import open_database
from bot.cli.wechat import wechat_api
from bot.handlers.web.deeplink import COURSE_PREFIX, checkin_link, course_link, valid_code
from bot.settings import Settings, get_settings
from store.attendance import ensure_roll
from store.catalog import course_by_code
from store.clock import utcnow
from store.models import ClassSession

BOX_PIXELS = 12  # one module; a 12 px module prints about 1 mm wide at 300 dpi — fine from a metre away
BORDER_MODULES = 4  # the quiet zone scanners need


def make_course_qr(base_url: str, code: str, out_path: str | Path) -> Path:
    """Write a PNG QR code of the course's web chat link; returns the path (ValueError for a bad code)."""
    return make_qr_png(course_link(base_url, code), out_path)


def make_qr_png(link: str, out_path: str | Path) -> Path:
    """Write a PNG QR code holding link; returns the path."""
    import qrcode  # with PIL: imported by the command that draws, not by every worker
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=BOX_PIXELS, border=BORDER_MODULES)
    qr.add_data(link)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        image.save(fh)
    return out


def run_course_qr(settings: Settings, code: str, out: Path) -> int:
    """A parametric 公众号 QR code whose scan opens the course in the chat, written as a PNG."""
    if not valid_code(code):
        print(f"课程编号不能放进二维码：{code}", file=sys.stderr)
        return 2
    from bot.handlers.wechat.client import WechatApiError

    api = wechat_api(settings)
    if api is None:
        return 2
    try:
        answer = asyncio.run(api.create_qrcode(COURSE_PREFIX + code))
    except WechatApiError as exc:
        print(f"微信拒绝生成二维码：{exc}", file=sys.stderr)
        return 1
    print(make_qr_png(answer["url"], out))
    return 0


def cmd_qr_course(args: argparse.Namespace) -> int:
    """A poster QR code that opens a course in the web chat; 2 for an unknown course or a bad address."""
    settings = get_settings()
    with open_database(settings).session() as s:
        if course_by_code(s, args.code) is None:
            print(f"没有找到课程：{args.code}", file=sys.stderr)
            return 2
    if args.wechat:
        return run_course_qr(settings, args.code, Path(args.out))
    try:
        out = make_course_qr(args.base_url or settings.web.public_url, args.code, Path(args.out))
    except ValueError as exc:
        print(f"无法生成二维码：{exc}", file=sys.stderr)
        return 2
    print(out)
    return 0


def session_on(s, course_id: int, day: str, tz: str) -> ClassSession | None:
    """The course's first session on a local day (YYYY-MM-DD), or None."""
    zone = ZoneInfo(tz)
    for cls in s.exec(select(ClassSession).where(ClassSession.course_id == course_id)
                      .order_by(ClassSession.starts_at)):
        if cls.starts_at.replace(tzinfo=timezone.utc).astimezone(zone).strftime("%Y-%m-%d") == day:
            return cls
    return None


def cmd_qr_checkin(args: argparse.Namespace) -> int:
    """The check-in QR code of one day's session of a course; 2 when there is none that day."""
    settings = get_settings()
    with open_database(settings).session() as s:
        course = course_by_code(s, args.code)
        cls = session_on(s, course.id, args.date, settings.general.timezone) if course else None
        if cls is None:
            print(f"没有找到课程 {args.code} 在 {args.date} 的课", file=sys.stderr)
            return 2
        code = ensure_roll(s, cls.id, utcnow()).code
    out = make_qr_png(checkin_link(args.base_url or settings.web.public_url, code), Path(args.out))
    print(f"{out}\n签到码：{code}")
    return 0


def add_commands(sub) -> None:
    """`linli qr course`."""
    qr = sub.add_parser("qr", help="生成海报二维码")
    qr_sub = qr.add_subparsers(dest="what", required=True)
    course = qr_sub.add_parser("course", help="打开某门课程的二维码")
    course.add_argument("code")
    course.add_argument("--out", required=True, help="PNG 文件路径")
    course.add_argument("--base-url", default=None, help="网页聊天的地址（默认取 web.public_url）")
    course.add_argument("--wechat", action="store_true", help="公众号带参数二维码：扫码关注后直接打开课程")
    course.set_defaults(func=cmd_qr_course)
    checkin = qr_sub.add_parser("checkin", help="某节课的上课签到二维码")
    checkin.add_argument("code", help="课程编号")
    checkin.add_argument("--date", required=True, help="上课日期 YYYY-MM-DD（当地时间）")
    checkin.add_argument("--out", required=True, help="PNG 文件路径")
    checkin.add_argument("--base-url", default=None, help="网页聊天的地址（默认取 web.public_url）")
    checkin.set_defaults(func=cmd_qr_checkin)
