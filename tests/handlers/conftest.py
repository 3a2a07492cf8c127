"""The fake Telegram Bot API, and the adapter polling it for a module's `catalogue`."""
from __future__ import annotations

import pytest

from tests.fakes.telegram_api import FakeBotApi
from tests.support.telegram_app import polling


@pytest.fixture
async def api():
    """The fake Bot API on a local port."""
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def bot_app(api, dialogs, settings, catalogue):
    """The Telegram adapter polling the fake, over the module's catalogue."""
    async with polling(dialogs, settings, api) as app:
        yield app
