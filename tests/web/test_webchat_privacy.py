"""The web chat and the resident's data: numbers typed are kept masked, and a deleted account is gone."""
from __future__ import annotations

from sqlmodel import select

from store.models import ChannelAccount, Resident, WebInboxMessage
from store.models.web import SAID
from tests.web.conftest import labels, say, texts


async def test_a_phone_number_typed_is_kept_masked_in_the_history(web_client, sqlite_db):
    await say(web_client, "你好")
    await say(web_client, "我的电话是 13812345678")
    with sqlite_db.session() as s:
        payloads = [row.payload for row in s.exec(select(WebInboxMessage).where(WebInboxMessage.kind == SAID))]
    assert any("138****5678" in p for p in payloads)
    assert not any("13812345678" in p for p in payloads)


async def test_deleting_the_account_from_the_web_chat_starts_a_fresh_person(web_client, sqlite_db):
    first = texts(await say(web_client, "你好"))
    assert "隐私说明" in first
    assert labels(await say(web_client, "我的数据"))[:3] == ["导出为文件", "删除我的账号", "主菜单"]
    assert labels(await say(web_client, "2"))[:2] == ["确认删除", "不删除"]
    assert "您的账号已删除" in texts(await say(web_client, "1"))
    with sqlite_db.session() as s:
        (old,) = s.exec(select(ChannelAccount)).all()
        assert old.external_id.startswith("erased:") and s.get(Resident, old.resident_id).erased_at
    again = texts(await say(web_client, "我的报名"))  # the same browser, the same cookie
    assert "欢迎" in again
    with sqlite_db.session() as s:
        fresh = s.exec(select(ChannelAccount).where(ChannelAccount.id != old.id)).one()
    assert fresh.resident_id != old.resident_id
