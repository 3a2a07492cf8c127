"""Importing this module registers every flow with the router."""
from bot.dialogs import browse, course, menus, my_signups, search_flow  # noqa: F401
from bot.dialogs import rating_flow, reminders_flow, settings_flow  # noqa: F401
from bot.dialogs import link_flow  # noqa: F401
from bot.dialogs import staff_access  # noqa: F401
