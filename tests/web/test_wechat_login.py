"""The web page opened inside WeChat signs in with the 公众号's OAuth (snsapi_base): the page then
speaks for the follower, one person with their own sign-ups. Forged or foreign states, bad codes
and WeChat errors get a clear page and change nothing."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.handlers.web.oauth_state import check_state, make_state, signing_key
from store.models import ChannelAccount, Resident, WebSession
from tests.fakes.wechat_stack import APP_ID, SECRET, wechat_stack
from tests.support.choices import number_of
from tests.web.conftest import message_id
from tests.web.wechat_browser import WechatBrowser

OPENID = "oWx_liuyi_000000000000000001"
PUBLIC = "https://linli.example.org"
FAILED = "微信登录没有成功"


@pytest.fixture
async def stack(dialogs, settings, web_catalogue):
    """The service with the 公众号 on, its page at PUBLIC (the browser maps that to the test server)."""
    settings = settings.model_copy(update={"web": settings.web.model_copy(update={"public_url": PUBLIC})})
    async with wechat_stack(dialogs, settings) as stack:
        yield stack


@pytest.fixture
async def browser(stack):
    """WeChat's browser, signed in to WeChat as OPENID."""
    stack.fake.signed_in(OPENID)
    browser = WechatBrowser(stack.base_url, PUBLIC)
    yield browser
    await browser.close()


def counts(db) -> tuple[int, int, int]:
    """Residents, channel accounts and web sessions in the database."""
    with db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(model))
                     for model in (Resident, ChannelAccount, WebSession))


async def signs_up_on_the_wechat_account(stack) -> None:
    await stack.event(stack.callbacks.subscribe(OPENID))
    found = (await stack.say(OPENID, "书法")).reply
    page = (await stack.say(OPENID, number_of(found, "零基础毛笔书法"))).reply
    confirm = (await stack.say(OPENID, number_of(page, "报名"))).reply
    assert "报名成功" in (await stack.say(OPENID, number_of(confirm, "确认报名"))).reply


async def test_a_follower_opening_the_page_in_wechat_sees_their_own_sign_ups(stack, browser):
    await signs_up_on_the_wechat_account(stack)

    status, authorize, _ = await browser.get("/?from=wechat")
    assert status == 302 and authorize.startswith(stack.fake.base_url + "/connect/oauth2/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["appid"] == [APP_ID] and query["scope"] == ["snsapi_base"]
    assert query["redirect_uri"] == [PUBLIC + "/wechat/oauth"]
    status, hops, page = await browser.open(authorize)
    assert status == 200 and hops[-1] == "/" and 'maxlength="500"' in page
    assert browser.cookie("linli_web")

    status, data = await browser.say("我的报名", message_id())
    assert status == 200 and "零基础毛笔书法" in str(data["replies"][0])
    with stack.service.dialogs.db.session() as s:
        accounts = list(s.exec(select(ChannelAccount)))
    assert sorted(a.channel for a in accounts) == ["web", "wechat"]
    assert len({a.resident_id for a in accounts}) == 1  # one person

    # Opened again from WeChat, the page knows the follower: no second trip to WeChat.
    status, location, _ = await browser.get("/?from=wechat")
    assert (status, location) == (200, "")


async def test_a_course_link_from_wechat_opens_the_course_after_signing_in(stack, browser):
    status, hops, _ = await browser.open("/?from=wechat&start=course-WH-SF-01")
    assert status == 200 and hops[-1] == "/?start=course-WH-SF-01"


async def test_a_new_follower_gets_a_wechat_account_when_signing_in(stack, browser):
    assert counts(stack.service.dialogs.db) == (0, 0, 0)
    status, _, _ = await browser.open("/")  # WeChat's user agent alone is enough
    assert status == 200
    with stack.service.dialogs.db.session() as s:
        accounts = {a.channel: a for a in s.exec(select(ChannelAccount))}
    assert accounts["wechat"].external_id == OPENID
    assert accounts["web"].resident_id == accounts["wechat"].resident_id


@pytest.mark.parametrize("spoil", ["forged", "missing", "other_browser", "no_code"])
async def test_a_bad_callback_shows_a_clear_page_and_changes_nothing(stack, browser, spoil):
    status, authorize, _ = await browser.get("/?from=wechat")
    status, back, _ = await browser.get(authorize)  # WeChat sends the browser back with a code
    assert status == 302
    code_and_state = parse_qs(urlsplit(back).query)
    code, state = code_and_state["code"][0], code_and_state["state"][0]
    url = {"forged": f"/wechat/oauth?code={code}&state={state[:-1]}{'0' if state[-1] != '0' else '1'}",
           "missing": f"/wechat/oauth?code={code}",
           "other_browser": back,
           "no_code": f"/wechat/oauth?state={state}"}[spoil]
    if spoil == "other_browser":
        browser.http.cookie_jar.clear()  # the state's nonce cookie stayed with the first browser
    before = counts(stack.service.dialogs.db)
    status, location, page = await browser.get(url)
    assert status == 400 and location == "" and FAILED in page
    assert browser.cookie("linli_web") is None
    assert counts(stack.service.dialogs.db) == before
    assert code in stack.fake.codes  # the code was never even spent


@pytest.mark.parametrize("wechat_says", ["unknown_code", "error"])
async def test_wechat_refusing_the_code_shows_a_clear_page_and_changes_nothing(stack, browser, wechat_says):
    status, authorize, _ = await browser.get("/?from=wechat")
    status, back, _ = await browser.get(authorize)
    if wechat_says == "unknown_code":
        stack.fake.codes.clear()
    else:
        stack.fake.fail_next["sns/oauth2/access_token"] = [40163]
    before = counts(stack.service.dialogs.db)
    status, location, page = await browser.get(back)
    assert status == 502 and location == "" and FAILED in page and "<script" not in page
    assert browser.cookie("linli_web") is None
    assert counts(stack.service.dialogs.db) == before


@pytest.mark.parametrize("agent", ["Mozilla/5.0 (iPhone) Safari/604.1",
                                   "Mozilla/5.0 (Linux; Android 12) MicroMessenger/7.0.1 wxwork/4.1.10"])
async def test_outside_wechat_the_page_opens_without_signing_in(stack, agent):
    plain = WechatBrowser(stack.base_url, PUBLIC, user_agent=agent)  # a phone's browser, WeCom's browser
    try:
        status, location, _ = await plain.get("/")
        assert (status, location) == (200, "")
        assert plain.cookie("linli_web")
    finally:
        await plain.close()


async def test_without_a_wechat_account_configured_the_link_just_opens_the_page(web_client):
    page = await web_client.get("/?from=wechat", allow_redirects=False,
                                headers={"User-Agent": "MicroMessenger/8.0"})
    assert page.status == 200
    assert (await web_client.get("/wechat/oauth?code=x&state=y")).status == 404


def test_a_state_is_only_good_for_its_browser_and_ten_minutes():
    key = signing_key(SECRET)
    state = make_state(key, "0123456789abcdef", now=1_000_000)
    assert len(state) <= 128 and state.isalnum()
    assert check_state(key, state, "0123456789abcdef", now=1_000_100)
    assert not check_state(key, state, "fedcba9876543210", now=1_000_100)  # another browser
    assert not check_state(key, state, "0123456789abcdef", now=1_000_601)  # stale
    assert not check_state(signing_key("other"), state, "0123456789abcdef", now=1_000_100)
    assert not check_state(key, state + "0", "0123456789abcdef", now=1_000_100)
    assert not check_state(key, "状态" * 29, "0123456789abcdef", now=1_000_100)


async def test_guessing_codes_is_held_back_by_the_address_limit(stack, browser):
    calls = stack.settings.web.rate_per_address
    statuses = [(await browser.get("/wechat/oauth?code=guess&state=x"))[0] for _ in range(calls + 1)]
    assert statuses[:calls] == [400] * calls and statuses[-1] == 429
