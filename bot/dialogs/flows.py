"""Importing this module registers every flow with the router."""
from bot.dialogs import settings_flow  # noqa: F401
from bot.dialogs import link_flow  # noqa: F401
from bot.dialogs import invite_flow  # noqa: F401
from bot.dialogs import group_flow, notice_flow, notice_report, notice_subscribe  # noqa: F401
from bot.dialogs import vote_flow, vote_admin_flow, draw_flow, report_flow  # noqa: F401
