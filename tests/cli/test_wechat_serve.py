"""WeChat users through a real `linli serve` process. On the 公众号: follow, search 书法, sign up by
typed numbers, then one reminder inside the 48-hour window (客服消息) and one three days after the
last message (template message). On WeCom 微信客服: the same search gets the same answer. The web
page opened from the 公众号 signs in with WeChat's OAuth and shows the follower's own sign-ups."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from bot.clock import utcnow
from store.models import ChannelAccount, ClassSession, Enrolment, OutboxMessage, WechatWindow
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.wechat_api import FakeWechatApi
from tests.fakes.wechat_callbacks import FakeWechatCallbacks
from tests.fakes.wecom_api import FakeWecomApi
from tests.fakes.wecom_callbacks import FakeWecomCallbacks
from tests.fakes.wecom_stack import random_aes_key
from tests.support.catalog import add_course
from tests.support.choices import number_of
from tests.support.workers import (free_port, kill_all, migrated_database, serving, start_worker, stop_worker,
                                   wait_healthy)
from tests.web.wechat_browser import WechatBrowser

APP_ID = "wx00serve0000test"
SECRET = "serve-app-secret"
TOKEN = "serve-token"
OPENID = "oWx_serve_resident_00000001"
CORP_ID, CORP_SECRET, KF_ID, CUSTOMER = "wwserve0000000001", "corp-secret", "wkServeKf01", "wmServeCustomer01"


def starts_in_an_hour(db, session_id: int) -> None:
    """Move a session to start an hour and a second from now: its hour-before reminder falls due."""
    starts = utcnow() + timedelta(hours=1, seconds=1)
    with db.session() as s:
        s.execute(update(ClassSession).where(ClassSession.id == session_id)
                  .values(starts_at=starts, ends_at=starts + timedelta(minutes=90)))


async def test_a_follower_signs_up_and_gets_reminders_by_the_48_hour_rule(tmp_path):
    url = f"sqlite:///{tmp_path / 'wechat.db'}"
    db = migrated_database(url)
    add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=utcnow() + timedelta(days=2),
               teacher="林秀兰老师", venue="和平街道文化站", address="和平街道幸福路 88 号")
    key = random_aes_key()
    workers = []
    corp_key = random_aes_key()
    async with (FakeBotApi() as bot_api, FakeWechatApi(APP_ID, SECRET, templates={"tpl-remind"}) as fake,
                FakeWecomApi(CORP_ID, CORP_SECRET) as wecom):
        try:
            worker = await start_worker(
                "wechat", bot_api, url, tmp_path, WECHAT__APP_ID=APP_ID, WECHAT__APP_SECRET=SECRET,
                WECHAT__TOKEN=TOKEN, WECHAT__ENCODING_AES_KEY=key, WECHAT__API_BASE_URL=fake.base_url,
                WECHAT__TEMPLATE_REMINDER="tpl-remind", WECOM__CORP_ID=CORP_ID, WECOM__AGENT_ID="1000002",
                WECOM__SECRET=CORP_SECRET, WECOM__TOKEN=TOKEN, WECOM__ENCODING_AES_KEY=corp_key,
                WECOM__API_BASE_URL=wecom.base_url)
            workers.append(worker)
            await wait_healthy(workers)
            wechat = FakeWechatCallbacks(worker.url + "/wechat/callback", TOKEN, APP_ID, key)

            assert await wechat.verify_url("echo-1") == (200, "echo-1")
            greeting = (await wechat.subscribe(OPENID)).reply
            assert "欢迎" in greeting, worker.tail()
            found = (await wechat.send_text(OPENID, "书法")).reply
            page = (await wechat.send_text(OPENID, number_of(found, "零基础毛笔书法"))).reply
            assert "讲师：林秀兰老师" in page
            confirm = (await wechat.send_text(OPENID, number_of(page, "报名"))).reply
            done = (await wechat.send_text(OPENID, number_of(confirm, "确认报名"))).reply
            assert "报名成功" in done
            with db.session() as s:
                assert [e.status for e in s.exec(select(Enrolment))] == ["confirmed"]
                # Nothing is written ahead: each reminder becomes a row when it falls due.
                assert s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all() == []
                first, second = list(s.exec(select(ClassSession.id).order_by(ClassSession.starts_at)))[:2]

            # The first class now starts in an hour: its reminder falls due, and the resident wrote a
            # minute ago: a 客服消息.
            starts_in_an_hour(db, first)
            await fake.wait_until(lambda: any("零基础毛笔书法" in m for m in fake.texts(OPENID)),
                                  timeout=30)
            assert not fake.template_sent

            # The second too, and the resident's last message was three days ago: a template message.
            with db.session() as s:
                s.execute(update(WechatWindow).values(last_inbound_at=utcnow() - timedelta(days=3)))
            texts_before = len(fake.texts(OPENID))
            starts_in_an_hour(db, second)
            await fake.wait_until(lambda: fake.template_sent.get(OPENID), timeout=30)
            [sent] = fake.template_sent[OPENID]
            assert sent["template_id"] == "tpl-remind" and "零基础毛笔书法" in str(sent["data"])
            assert len(fake.texts(OPENID)) == texts_before

            # A WeChat user on 微信客服 gets the same answer to the same words.
            kf = FakeWecomCallbacks(worker.url + "/wecom/callback", TOKEN, corp_key, CORP_ID)
            for n, words in enumerate(("你好", "书法"), 1):
                token = wecom.customer_writes(KF_ID, CUSTOMER, words)
                assert (await kf.post(kf.kf_event_xml(token, KF_ID))).status == 200
                await fake.wait_until(lambda: len(wecom.kf_texts(CUSTOMER)) == n, timeout=30)
            greeting_kf, found_kf = wecom.kf_texts(CUSTOMER)
            assert "欢迎" in greeting_kf and "零基础毛笔书法" in found_kf
            assert await stop_worker(worker) == 0
        finally:
            await kill_all(workers)
    db.dispose()


async def test_a_follower_opens_the_web_page_from_wechat_and_sees_their_sign_up(tmp_path):
    url = f"sqlite:///{tmp_path / 'wechat-page.db'}"
    db = migrated_database(url)
    add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=utcnow() + timedelta(days=2),
               teacher="林秀兰老师", venue="和平街道文化站")
    key, port = random_aes_key(), free_port()
    page_url = f"http://127.0.0.1:{port}"
    async with FakeWechatApi(APP_ID, SECRET) as fake:
        async with serving("wechat-page", url, tmp_path, WEB__PORT=str(port), WEB__PUBLIC_URL=page_url,
                           WECHAT__APP_ID=APP_ID, WECHAT__APP_SECRET=SECRET, WECHAT__TOKEN=TOKEN,
                           WECHAT__ENCODING_AES_KEY=key, WECHAT__API_BASE_URL=fake.base_url,
                           WECHAT__OAUTH_BASE_URL=fake.oauth_url) as worker:
            wechat = FakeWechatCallbacks(worker.url + "/wechat/callback", TOKEN, APP_ID, key)
            await wechat.subscribe(OPENID)
            found = (await wechat.send_text(OPENID, "书法")).reply
            page = (await wechat.send_text(OPENID, number_of(found, "零基础毛笔书法"))).reply
            confirm = (await wechat.send_text(OPENID, number_of(page, "报名"))).reply
            assert "报名成功" in (await wechat.send_text(OPENID, number_of(confirm, "确认报名"))).reply

            # The template message's link: WeChat's browser opens it, signs in, lands on the page.
            fake.signed_in(OPENID)
            browser = WechatBrowser(page_url, page_url)
            try:
                status, hops, html = await browser.open(page_url + "/?from=wechat")
                assert status == 200 and len(hops) == 3 and "邻里文体服务" in html, hops
                assert hops[0].startswith(fake.oauth_url + "/connect/oauth2/authorize?")
                status, data = await browser.say("我的报名", "serve-page-message-01")
                assert status == 200 and "零基础毛笔书法" in str(data["replies"][0]), data
            finally:
                await browser.close()
    with db.session() as s:
        accounts = list(s.exec(select(ChannelAccount)))
    assert sorted(a.channel for a in accounts) == ["web", "wechat"]
    assert len({a.resident_id for a in accounts}) == 1
    db.dispose()
