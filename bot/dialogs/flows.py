"""Importing this module registers every flow with the router."""
from bot.dialogs import browse, course, menus, my_signups, search_flow  # noqa: F401
