"""`linli grant`, `linli invite`, `linli team`, `linli team-member` and `linli import services` on a SQLite file."""
from __future__ import annotations

import json

import pytest
from sqlmodel import select

from bot.cli import main
from store.models import AuditEntry, ChannelAccount, InviteCode, ServiceItem, ServiceTeam
from store.models.staff import ORGANIZER
from store.people import find_account
from store.roles import has_role
from store.teams import team_people


def test_grant_makes_the_account_and_the_role(db_file, capsys):
    assert main(["grant", "organizer", "--channel", "telegram", "--id", "4242",
                 "--community", "幸福社区"]) == 0
    assert "已授予 telegram:4242 organizer（范围：幸福社区）" in capsys.readouterr().out
    with db_file.session() as s:
        account = find_account(s, "telegram", "4242")
        assert account is not None
        assert has_role(s, account.resident_id, ORGANIZER, "幸福社区")
        assert not has_role(s, account.resident_id, ORGANIZER, "和平社区")
    assert main(["grant", "organizer", "--channel", "telegram", "--id", "4242",
                 "--community", "幸福社区"]) == 0
    assert "已有" in capsys.readouterr().out
    with db_file.session() as s:
        assert len(s.exec(select(ChannelAccount)).all()) == 1
        actions = [a.action for a in s.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["role.grant", "role.grant.already"]


def test_grant_refuses_unknown_roles_and_channels(db_file):
    with pytest.raises(SystemExit):
        main(["grant", "boss", "--channel", "telegram", "--id", "1"])
    with pytest.raises(SystemExit):
        main(["grant", "organizer", "--channel", "qq", "--id", "1"])


def test_invite_prints_a_one_time_code_and_audits_it(db_file, capsys):
    assert main(["invite", "grid_staff", "--community", "幸福社区"]) == 0
    captured = capsys.readouterr()
    code = captured.out.strip()
    assert len(code) == 8 and f"邀请码 {code}" in captured.err
    with db_file.session() as s:
        invite = s.exec(select(InviteCode)).one()
        assert (invite.code, invite.role, invite.community, invite.used_at) == (
            code, "grid_staff", "幸福社区", None)
        (entry,) = s.exec(select(AuditEntry)).all()
    assert entry.action == "invite.create" and entry.actor == "cli" and code not in entry.target


def test_team_names_its_leader(db_file, capsys):
    assert main(["team", "红枫志愿服务队", "--channel", "wecom", "--id", "zhangsan"]) == 0
    assert main(["team", "红枫志愿服务队", "--kind", "teacher", "--channel", "wecom", "--id", "lisi",
                 "--community", "幸福社区"]) == 0
    with db_file.session() as s:
        (team,) = s.exec(select(ServiceTeam)).all()
        assert (team.kind, team.community) == ("teacher", "幸福社区")
        assert team.leader_id == find_account(s, "wecom", "lisi").resident_id


def test_team_members_are_added_and_removed_but_never_twice(db_file, capsys):
    assert main(["team-member", "红枫志愿服务队", "--channel", "wecom", "--id", "wangwu"]) == 1
    assert "没有叫【红枫志愿服务队】" in capsys.readouterr().err
    assert main(["team", "红枫志愿服务队", "--channel", "wecom", "--id", "zhangsan"]) == 0
    for user in ("wangwu", "zhaoliu", "wangwu", "zhangsan"):
        assert main(["team-member", "红枫志愿服务队", "--channel", "wecom", "--id", user]) == 0
    out = capsys.readouterr().out
    assert out.count("已加入") == 2 and "wecom:wangwu 已在【红枫志愿服务队】里" in out
    assert main(["team-member", "红枫志愿服务队", "--channel", "wecom", "--id", "zhaoliu", "--remove"]) == 0
    with db_file.session() as s:
        team = s.exec(select(ServiceTeam)).one()
        people = team_people(s, team.id)
        assert people == [find_account(s, "wecom", "zhangsan").resident_id,
                          find_account(s, "wecom", "wangwu").resident_id]
        actions = s.exec(select(AuditEntry.action)).all()
    assert actions.count("team.member.add") == 2 and actions.count("team.member.remove") == 1


def test_import_services_from_csv(db_file, tmp_path, capsys):
    good = tmp_path / "services.csv"
    good.write_text("code,name,kind,description,min_audience\n"
                    "S-DY,送电影,电影,露天放映,30\nS-JZ,送讲座,讲座,,\n", encoding="utf-8")
    assert main(["import", "services", str(good)]) == 0
    assert json.loads(capsys.readouterr().out) == {"created": 2, "updated": 0, "unchanged": 0}
    good.write_text("编号,名称,类别,简介\nS-DY,送电影,电影,室内放映\nS-JZ,送讲座,讲座,\n", encoding="utf-8")
    assert main(["import", "services", str(good)]) == 0
    assert json.loads(capsys.readouterr().out) == {"created": 0, "updated": 1, "unchanged": 1}
    with db_file.session() as s:
        films = s.exec(select(ServiceItem).where(ServiceItem.code == "S-DY")).one()
        assert (films.description, films.min_audience) == ("室内放映", None)


def test_a_bad_services_file_changes_nothing(db_file, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,description,lead_days\n"
                   "S-DY,送电影,电影,,七天\n送 戏,送戏,,,\nS-DY,重复,电影,,\n", encoding="utf-8")
    assert main(["import", "services", str(bad)]) == 1
    err = capsys.readouterr().err
    for problem in ("第 2 行，lead_days", "第 3 行，code", "第 3 行，kind", "第 4 行，code：编号 S-DY 与第 2 行重复"):
        assert problem in err
    with db_file.session() as s:
        assert s.exec(select(ServiceItem)).all() == []
    assert main(["import", "services", str(tmp_path / "missing.csv")]) == 2
