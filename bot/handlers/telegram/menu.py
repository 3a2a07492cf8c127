"""The menu that never scrolls away on Telegram: a reply keyboard under the input box and the
bot's command menu. Pressing a keyboard button sends its words, which the dialogs route."""
from __future__ import annotations

import logging

from telegram import Bot, BotCommand, ReplyKeyboardMarkup
from telegram.error import TelegramError

from bot.texts import t

START = "/start"
KEYBOARD_KEYS = ("btn_menu", "btn_my", "btn_help")  # 主菜单 · 我的报名 · 帮助
# The commands the dialogs know (home and courses keywords), in the order the menu lists them.
COMMANDS = (("start", "cmd_start"), ("my", "cmd_my"), ("browse", "cmd_browse"), ("help", "cmd_help"))

log = logging.getLogger("linli.telegram")


def menu_keyboard(lang: str) -> ReplyKeyboardMarkup:
    """主菜单 · 我的报名 · 帮助 in one row, kept under the input box."""
    return ReplyKeyboardMarkup([[t(key, lang) for key in KEYBOARD_KEYS]], resize_keyboard=True,
                               is_persistent=True)


async def show_menu_keyboard(bot: Bot, chat_id: int | str, lang: str) -> None:
    """Put the keyboard under a private chat's input box (it stays until replaced)."""
    try:
        await bot.send_message(chat_id, t("menu_keyboard", lang), reply_markup=menu_keyboard(lang))
    except TelegramError as exc:  # the answer itself still follows
        log.info("menu keyboard not shown: %s", exc)


async def set_commands(bot: Bot, lang: str) -> None:
    """The bot's command menu (the ≡ button beside the input box)."""
    try:
        await bot.set_my_commands([BotCommand(name, t(key, lang)) for name, key in COMMANDS])
    except TelegramError as exc:  # an old menu stays; the bot works without one
        log.warning("telegram command menu not set: %s", exc)
