"""The Bot API requests go through aiohttp's client: answers, files, slow and absent servers."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData

from bot.handlers.telegram.http_client import AiohttpRequest
from tests.fakes.telegram_api import FakeBotApi, UploadedFile
from tests.support.workers import free_port

TOKEN = "123:abc"


def bot_on(base_url: str, request: AiohttpRequest) -> Bot:
    return Bot(TOKEN, base_url=base_url, request=request, get_updates_request=AiohttpRequest(1))


async def test_messages_and_files_reach_the_bot_api_as_python_telegram_bot_sends_them():
    async with FakeBotApi(token=TOKEN) as api, bot_on(api.base_url, AiohttpRequest(4)) as bot:
        sent = await bot.send_message(42, "报名成功", reply_markup=None)
        await bot.send_document(42, document=b"%PDF fake", filename="课表.pdf", caption="课表")
    assert sent.text == "报名成功"
    upload = api.calls_of("sendDocument")[0].params["document"]
    assert isinstance(upload, UploadedFile) and upload.data == b"%PDF fake"
    assert api.calls_of("sendDocument")[0].params["caption"] == "课表"


async def test_a_call_without_files_is_a_json_body_with_the_keyboard_as_an_object():
    seen: list[tuple[str, object]] = []

    async def record(request: web.Request) -> web.Response:
        if request.match_info["method"] == "getMe":
            return web.json_response({"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "邻里",
                                                             "username": "linli_bot"}})
        seen.append((request.content_type, await request.json()))
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", record)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("1. 确认报名", callback_data="suy:SF-01")]])
    try:
        async with bot_on(f"http://127.0.0.1:{port}/bot", AiohttpRequest(1)) as bot:
            await bot.edit_message_reply_markup(chat_id=42, message_id=7, reply_markup=keyboard)
    finally:
        await runner.cleanup()
    assert seen[-1] == ("application/json", {"chat_id": 42, "message_id": 7, "reply_markup": {
        "inline_keyboard": [[{"text": "1. 确认报名", "callback_data": "suy:SF-01"}]]}})


async def test_a_server_slower_than_the_read_timeout_is_a_timeout():
    answered = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await answered.wait()  # held until the client has given up
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", slow)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with AiohttpRequest(1, read_timeout=0.2) as request:
            with pytest.raises(TimedOut):
                await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage", RequestData())
    finally:
        answered.set()
        await runner.cleanup()


async def test_no_server_at_all_is_a_network_error():
    async with AiohttpRequest(1) as request:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{free_port()}/bot{TOKEN}/sendMessage", RequestData())
