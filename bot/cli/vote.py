"""`linli vote create FILE` (TOML or CSV) and `linli vote draw ID --winners N [--seed S] [--check]`.

A TOML file:
    title = "最受欢迎课程"
    options = ["WH-SF-01", "杨式太极拳 | TY-TJ-01", { label = "智能手机课", ref = "ZN-01" }]
    opens_at = "2026-12-01 08:00"      # local time; a TOML date-time works too
    closes_at = "2026-12-07 20:00"
    rule = "daily"                     # daily: one ballot a day; once: one in all
    results = "live"                   # live, or after_close
    owner = 12                         # optional: the resident id who receives the results

A CSV file has one item a line, the item first: 标题, 开始, 截止, 规则, 结果, 负责人, and one
选项 line per option (an optional third cell is its code). English names work too.
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.app import open_database
from bot.clock import utcnow
from bot.report.votes import notify_winners
from bot.settings import Settings, get_settings
from bot.texts import t
from store.db import Database
from store.draws import DrawError, check_draw, run_draw
from store.models import Resident, Vote
from store.models.votes import AFTER_CLOSE, DAILY, LIVE, ONCE
from store.roles import audit
from store.tabular import TableError, cell_text, read_rows
from store.vote_setup import VoteInvalid, create_vote, from_local, option_from_line, parse_local_time

CSV_KEYS = {"标题": "title", "开始": "opens_at", "开始时间": "opens_at", "截止": "closes_at",
            "截止时间": "closes_at", "规则": "rule", "结果": "results", "负责人": "owner", "选项": "option"}
RULE_WORDS = {"daily": DAILY, "每天": DAILY, "每人每天一票": DAILY, "once": ONCE, "一次": ONCE,
              "每人一票": ONCE, "每人只投一次": ONCE}
RESULT_WORDS = {"live": LIVE, "实时": LIVE, "实时公布": LIVE, "after_close": AFTER_CLOSE,
                "截止后": AFTER_CLOSE, "截止后公布": AFTER_CLOSE}


class VoteFileError(ValueError):
    """The file cannot become a vote; lines says why, in words for organizers."""

    def __init__(self, lines: list[str]):
        super().__init__("; ".join(lines))
        self.lines = lines


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise VoteFileError([f"TOML 格式有误：{exc}"]) from exc


def _read_table(path: Path) -> dict[str, Any]:
    try:
        rows = read_rows(path)
    except TableError as exc:
        raise VoteFileError([str(exc)]) from exc
    data: dict[str, Any] = {"options": []}
    problems = []
    for number, cells in rows:
        texts = [cell_text(c) for c in cells] + ["", ""]
        key = CSV_KEYS.get(texts[0], texts[0].lower())
        if key == "option":
            data["options"].append({"label": texts[1], "ref": texts[2]} if texts[2] else texts[1])
        elif key in ("title", "opens_at", "closes_at", "rule", "results", "owner"):
            data[key] = texts[1]
        else:
            problems.append(f"第 {number} 行：不认识“{texts[0]}”")
    if problems:
        raise VoteFileError(problems)
    return data


def _when(value: Any, now: datetime, tz: ZoneInfo) -> datetime | None:
    if isinstance(value, datetime):
        return from_local(value.replace(tzinfo=None), tz)
    return parse_local_time(str(value or ""), now, tz)


def _options(session, raw: Any) -> list[tuple[str, str]]:
    out = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            out.append((str(item.get("label", "")).strip(), str(item.get("ref", "")).strip()[:40]))
        elif str(item).strip():
            out.append(option_from_line(session, str(item)))
    return out


def vote_fields(session, data: dict[str, Any], now: datetime, tz: ZoneInfo) -> dict[str, Any]:
    """create_vote's arguments from a file's contents; raises VoteFileError."""
    problems = []
    opens, closes = _when(data.get("opens_at"), now, tz), _when(data.get("closes_at"), now, tz)
    for name, value, raw in (("开始时间", opens, data.get("opens_at")), ("截止时间", closes, data.get("closes_at"))):
        if value is None:
            problems.append(f"{name}没看懂：{raw!r}（请写成 2026-12-01 08:00）")
    rule = RULE_WORDS.get(str(data.get("rule", DAILY)).strip().lower())
    results = RESULT_WORDS.get(str(data.get("results", LIVE)).strip().lower())
    owner = data.get("owner")
    if owner not in (None, "") and (not str(owner).isdigit() or session.get(Resident, int(owner)) is None):
        problems.append(f"负责人（居民编号）不存在：{owner}")
    if problems:
        raise VoteFileError(problems)
    return dict(title=str(data.get("title", "")), options=_options(session, data.get("options")),
                opens_at=opens, closes_at=closes, rule=rule or "?", results=results or "?",
                owner_id=int(owner) if owner not in (None, "") else None)


def create_from_file(db: Database, settings: Settings, path: Path, now: datetime) -> Vote:
    """Create the vote a file describes, audited; raises VoteFileError and changes nothing then."""
    if not path.exists():
        raise VoteFileError([f"找不到文件：{path}"])
    data = _read_toml(path) if path.suffix.lower() == ".toml" else _read_table(path)
    tz = ZoneInfo(settings.general.timezone)
    with db.session() as session:
        fields = vote_fields(session, data, now, tz)
        try:
            vote = create_vote(session, **fields, created_by="cli", now=now)
        except VoteInvalid as bad:
            raise VoteFileError([t(key, **values) for key, values in bad.problems]) from bad
        audit(session, "vote.create", actor="cli", target=f"vote:{vote.id}",
              detail={"title": vote.title, "options": len(fields["options"]), "file": path.name}, now=now)
        return vote


def draw_from_cli(db: Database, vote_id: int, winners: int, seed: str | None, check: bool, now: datetime,
                  out: TextIO = sys.stdout) -> int:
    """Draw (recorded, winners told) or, with check, re-run a recorded draw; the exit code."""
    try:
        with db.session() as session:
            if check:
                result = check_draw(session, vote_id, winners, seed or "", now)
                draw, status = result.draw, result.status
                extra = {"recorded_winners": result.recorded_winners,
                         "candidates_changed": result.candidates_changed}
            else:
                draw = run_draw(session, vote_id, winners, seed=seed, now=now, actor="cli")
                notify_winners(session, session.get(Vote, vote_id), draw, now)
                status, extra = "drawn", {}
    except DrawError as error:
        print(t(f"draw_{error.code}", **error.values), file=sys.stderr)
        return 2
    print(json.dumps({"status": status, "vote": vote_id, "seed": draw.seed,
                      "candidates": len(draw.candidates), "digest": draw.digest, "winners": draw.winners,
                      **extra}, ensure_ascii=False), file=out)
    return {"drawn": 0, "match": 0, "differs": 1}.get(status, 3)


def cmd_vote_create(args: argparse.Namespace) -> int:
    """linli vote create FILE."""
    settings = get_settings()
    try:
        vote = create_from_file(open_database(settings), settings, Path(args.file), utcnow())
    except VoteFileError as bad:
        print("没有创建投票：", file=sys.stderr)
        for line in bad.lines:
            print(f"- {line}", file=sys.stderr)
        return 1
    print(json.dumps({"vote": vote.id, "title": vote.title, "link": f"start=vote-{vote.id}"},
                     ensure_ascii=False))
    return 0


def cmd_vote_draw(args: argparse.Namespace) -> int:
    """linli vote draw ID --winners N [--seed S] [--check]."""
    if args.check and not args.seed:
        print("复核需要原来的随机种子：--seed S", file=sys.stderr)
        return 2
    db = open_database(get_settings())
    return draw_from_cli(db, args.id, args.winners, args.seed, args.check, utcnow())


def add_commands(sub) -> None:
    """`linli vote create` and `linli vote draw`."""
    vote = sub.add_parser("vote", help="投票：创建、抽奖")
    vote_sub = vote.add_subparsers(dest="what", required=True)
    create = vote_sub.add_parser("create", help="从 TOML 或 CSV 文件创建投票")
    create.add_argument("file")
    create.set_defaults(func=cmd_vote_create)
    draw = vote_sub.add_parser("draw", help="在投票人中抽奖（--check 按种子复核）")
    draw.add_argument("id", type=int, help="投票编号")
    draw.add_argument("--winners", type=int, required=True, help="抽几位")
    draw.add_argument("--seed", default=None, help="随机种子（不填则随机生成并记录）")
    draw.add_argument("--check", action="store_true", help="按种子重新抽一遍，和记录对照，不通知、不记录")
    draw.set_defaults(func=cmd_vote_draw)
