"""代办 through `linli serve` as assembled: on Telegram a grid worker registers an elder who has no
phone of her own, signs her up for a class and makes a family code; her son links with the code and
sees the sign-up, marked 代办, in her list."""
from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from sqlmodel import select

from bot.clock import utcnow
from bot.serve import run
from store.db import Database
from store.models import AuditEntry, Enrolment, Resident
from store.people import get_or_create_account
from store.roles import grant_role
from tests.cli.test_serve import serve_settings
from tests.fakes.telegram_api import FakeBotApi
from tests.support.catalog import add_course
from tests.support.workers import free_port

STAFF, SON = 5101, 5202


async def say(api: FakeBotApi, chat: int, text: str, expect: str) -> str:
    """Type text in a private chat and wait for the answer that contains expect; all new texts, joined."""
    before = len(api.sent_to(chat))
    api.push_text(chat, text)

    def answered() -> bool:
        return any(expect in (m.get("text") or "") for m in api.sent_to(chat)[before:])
    try:
        await api.wait_until(answered, timeout=20)
    except AssertionError:
        raise AssertionError(f"{text!r}: no {expect!r} in {[m.get('text') for m in api.sent_to(chat)[before:]]}")
    return "\n".join(m.get("text") or "" for m in api.sent_to(chat)[before:])


async def test_staff_act_for_a_phoneless_elder_and_her_son_links_and_sees_it(settings, tmp_path):
    async with FakeBotApi() as api:
        conf = serve_settings(settings, tmp_path, api, free_port())
        db = Database(conf.database.url)
        db.create_all()
        add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=utcnow() + timedelta(days=2))
        with db.session() as s:
            account, _ = get_or_create_account(s, "telegram", str(STAFF), "网格员小周")
            grant_role(s, account.resident_id, "grid_staff")
        stop = asyncio.Event()
        server = asyncio.create_task(run(conf, stop))
        try:
            await say(api, STAFF, "代办", "姓名和手机号后四位")
            await say(api, STAFF, "登记新居民", "请输入居民的姓名")
            await say(api, STAFF, "张桂兰", "手机号")
            await say(api, STAFF, "13812345678", "哪个社区")
            await say(api, STAFF, "幸福社区", "请核对")
            assert "没有聊天账号" in await say(api, STAFF, "确认登记", "已登记张桂兰")
            assert "正在为张桂兰代办" in await say(api, STAFF, "开始代办", "开始为张桂兰代办")
            for text, expect in (("服务菜单", "请选择类别"), ("文化", "请选择项目"), ("书法", "共 1 门课程"),
                                 ("零基础毛笔书法", "还剩"), ("报名", "确认报名")):
                await say(api, STAFF, text, expect)
            await say(api, STAFF, "确认报名", "报名成功")
            await say(api, STAFF, "退出代办", "已退出为张桂兰代办")
            await say(api, STAFF, "代办", "姓名和手机号后四位")
            await say(api, STAFF, "张桂兰 5678", "社区：幸福社区")
            made = await say(api, STAFF, "生成家人绑定码", "家人绑定码")
            code = re.search(r"绑定码：(\d{6})", made).group(1)

            await say(api, SON, "/start", "欢迎")
            await say(api, SON, f"绑定家人 {code}", "绑定成功")
            await say(api, SON, "家人代办", "要帮谁办理")
            await say(api, SON, "张桂兰", "开始为张桂兰代办")
            mine = await say(api, SON, "我的报名", "我的报名（共 1 门）")
            assert "正在为张桂兰代办" in mine
            assert any("零基础毛笔书法（代办）" in str(m.get("reply_markup")) for m in api.sent_to(SON)[-1:])
        finally:
            stop.set()
            await asyncio.wait_for(server, 30)
        with db.session() as s:
            elder = s.exec(select(Resident).where(Resident.display_name == "张桂兰")).one()
            place = s.exec(select(Enrolment)).one()
            assert place.resident_id == elder.id and place.proxy_by is not None
            actions = [a.action for a in s.exec(select(AuditEntry).order_by(AuditEntry.id))
                       if a.action.startswith(("proxy.", "family."))]
        assert actions[:3] == ["proxy.register", "proxy.start", "proxy.signup"]
        assert "family.link" in actions and actions.count("proxy.start") == 2
        db.dispose()
