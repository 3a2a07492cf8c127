"""Signing a web session in as a follower: one person, the old session moved along or left alone."""
from __future__ import annotations

from sqlmodel import select

from store.models import ChannelAccount, WebSession
from store.people import find_account, get_or_create_account
from store.web_login import sign_in, signed_in_as
from store.web_sessions import issue
from tests.conftest import START

OPENID = "oWx_follower_0001"


def test_a_new_follower_gets_a_wechat_account_and_the_session_belongs_to_them(db):
    with db.session() as s:
        person = sign_in(s, None, "new-hash", "wechat", OPENID, START)
        assert find_account(s, "wechat", OPENID).resident_id == person
        assert find_account(s, "web", "new-hash").resident_id == person
        assert signed_in_as(s, "new-hash", "wechat")
        assert not signed_in_as(s, "unknown-hash", "wechat")


def test_signing_in_again_moves_the_session_of_the_same_person_to_the_new_token(db):
    with db.session() as s:
        person = sign_in(s, None, "first", "wechat", OPENID, START)
        assert sign_in(s, "first", "second", "wechat", OPENID, START) == person
        assert s.get(WebSession, "first") is None and s.get(WebSession, "second") is not None
        assert [a.external_id for a in s.exec(select(ChannelAccount).where(ChannelAccount.channel == "web"))] \
            == ["second"]  # the same web account, so the conversation goes along


def test_a_session_of_someone_else_is_left_alone_not_merged(db):
    with db.session() as s:
        issue(s, "anonymous", START)
        stranger, _ = get_or_create_account(s, "web", "anonymous")
        person = sign_in(s, "anonymous", "signed-in", "wechat", OPENID, START)
        assert person != stranger.resident_id
        assert find_account(s, "web", "anonymous").resident_id == stranger.resident_id
        assert not signed_in_as(s, "anonymous", "wechat") and signed_in_as(s, "signed-in", "wechat")
