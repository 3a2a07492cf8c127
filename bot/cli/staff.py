"""`linli grant`, `linli invite`, `linli team` and `linli team-member`: giving people roles and teams
from the terminal."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime

from bot.app import open_database
from bot.settings import get_settings
from store.db import Database
from store.models.orders import TEAM_KINDS, ServiceTeam
from store.models.staff import ROLES
from store.teams import add_member, remove_member, save_team, team_named
from store.people import get_or_create_account
from store.roles import INVITE_TTL, audit, grant_role, new_invite
from store.units import unit_by_code

CHANNELS = ("telegram", "wecom", "web", "console")
ACTOR = "cli"


def _resident_id(session, channel: str, external_id: str) -> int:
    """The resident behind a channel account, created when the person never wrote yet."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel: {channel}")
    account, _ = get_or_create_account(session, channel, external_id)
    return account.resident_id


class UnknownUnit(ValueError):
    """No unit has the code given with --unit."""


def _unit_id(session, code: str) -> int | None:
    if not code:
        return None
    unit = unit_by_code(session, code)
    if unit is None:
        raise UnknownUnit(code)
    return unit.id


def grant(db: Database, role: str, channel: str, external_id: str, community: str = "",
          unit: str = "") -> bool:
    """Give the person behind a channel account a role (on a unit and everything under it, when its
    code is given); False when they had it already."""
    if role not in ROLES:
        raise ValueError(f"unknown role: {role}")
    with db.session() as session:
        unit_id = _unit_id(session, unit)
        resident_id = _resident_id(session, channel, external_id)
        fresh = grant_role(session, resident_id, role, community, granted_by=ACTOR, unit_id=unit_id)
        if not fresh:
            audit(session, "role.grant.already", actor=ACTOR, target=f"resident:{resident_id}",
                  detail={"role": role, "community": community})
        return fresh


def invite(db: Database, role: str, community: str = "", now: datetime | None = None, unit: str = "") -> str:
    """A one-time invite code for a role (audited when made)."""
    with db.session() as session:
        return new_invite(session, role, community, created_by=ACTOR, now=now, unit_id=_unit_id(session, unit)).code


def team(db: Database, name: str, kind: str, channel: str, external_id: str,
         community: str = "") -> ServiceTeam:
    """Create or update a service team led by the person behind a channel account."""
    with db.session() as session:
        leader_id = _resident_id(session, channel, external_id)
        saved = save_team(session, name, kind, leader_id, community)
        audit(session, "team.save", actor=ACTOR, target=f"team:{saved.id}",
              detail={"name": name, "kind": kind, "leader": f"{channel}:{external_id}",
                      "community": community})
        return saved


def team_member(db: Database, name: str, channel: str, external_id: str, remove: bool = False) -> str:
    """Add (or remove) the person behind a channel account as a team member: added, removed,
    already, not_member or no_team."""
    with db.session() as session:
        found = team_named(session, name)
        if found is None:
            return "no_team"
        resident_id = _resident_id(session, channel, external_id)
        changed = (remove_member if remove else add_member)(session, found.id, resident_id)
        if changed:
            audit(session, "team.member.remove" if remove else "team.member.add", actor=ACTOR,
                  target=f"team:{found.id}", detail={"member": f"{channel}:{external_id}"})
        return ("removed" if remove else "added") if changed else ("not_member" if remove else "already")


def cmd_grant(args: argparse.Namespace) -> int:
    """Give someone a role by their channel id (the account is made if they never wrote)."""
    try:
        fresh = grant(open_database(get_settings()), args.role, args.channel, args.id, args.community, args.unit)
    except UnknownUnit:
        print(f"没有编号为 {args.unit} 的单位（见 linli units）", file=sys.stderr)
        return 2
    where = args.unit or args.community or "全区"
    print(f"已授予 {args.channel}:{args.id} {args.role}（范围：{where}）" if fresh
          else f"{args.channel}:{args.id} 已有 {args.role}（范围：{where}），未改动")
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    """Print a one-time invite code for a role."""
    try:
        code = invite(open_database(get_settings()), args.role, args.community, unit=args.unit)
    except UnknownUnit:
        print(f"没有编号为 {args.unit} 的单位（见 linli units）", file=sys.stderr)
        return 2
    print(code)
    print(f"一次性邀请码，{INVITE_TTL.days} 天内有效。请对方给机器人发：邀请码 {code}", file=sys.stderr)
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    """Create or update a service team and its leader."""
    saved = team(open_database(get_settings()), args.name, args.kind, args.channel, args.id, args.community)
    print(f"服务队伍【{saved.name}】已保存，负责人 {args.channel}:{args.id}")
    return 0


MEMBER_ANSWERS = {"added": "已加入【{team}】：{who}", "removed": "已移出【{team}】：{who}",
                  "already": "{who} 已在【{team}】里，未改动", "not_member": "{who} 不是【{team}】的队员，未改动",
                  "no_team": "没有叫【{team}】的服务队伍，请先用 linli team 添加"}


def cmd_team_member(args: argparse.Namespace) -> int:
    """Add or remove a member of a service team."""
    status = team_member(open_database(get_settings()), args.team, args.channel, args.id, args.remove)
    answer = MEMBER_ANSWERS[status].format(team=args.team, who=f"{args.channel}:{args.id}")
    print(answer, file=sys.stderr if status == "no_team" else sys.stdout)
    return 1 if status == "no_team" else 0


def add_commands(sub) -> None:
    """`linli grant`, `linli invite`, `linli team`, `linli team-member`."""
    granting = sub.add_parser("grant", help="给某人授予身份")
    granting.add_argument("role", choices=ROLES)
    granting.add_argument("--channel", required=True, choices=CHANNELS)
    granting.add_argument("--id", required=True, help="此人在该渠道的编号")
    granting.add_argument("--community", default="", help="只在这个社区有效（默认全区）")
    granting.add_argument("--unit", default="", help="只在这个单位及其下属单位有效（单位编号，见 linli units）")
    granting.set_defaults(func=cmd_grant)
    inviting = sub.add_parser("invite", help="生成一次性邀请码")
    inviting.add_argument("role", choices=ROLES)
    inviting.add_argument("--community", default="", help="只在这个社区有效（默认全区）")
    inviting.add_argument("--unit", default="", help="只在这个单位及其下属单位有效（单位编号）")
    inviting.set_defaults(func=cmd_invite)
    teams = sub.add_parser("team", help="添加或修改服务队伍（派单对象）")
    teams.add_argument("name")
    teams.add_argument("--kind", default="volunteer", choices=TEAM_KINDS)
    teams.add_argument("--channel", required=True, choices=CHANNELS, help="负责人所在渠道")
    teams.add_argument("--id", required=True, help="负责人在该渠道的编号")
    teams.add_argument("--community", default="", help="只服务这个社区（默认全区）")
    teams.set_defaults(func=cmd_team)
    members = sub.add_parser("team-member", help="给服务队伍添加或移出队员（完成订单时按到场队员记时长）")
    members.add_argument("team", help="队伍名称")
    members.add_argument("--channel", required=True, choices=CHANNELS, help="队员所在渠道")
    members.add_argument("--id", required=True, help="队员在该渠道的编号")
    members.add_argument("--remove", action="store_true", help="移出这名队员")
    members.set_defaults(func=cmd_team_member)
