"""Notices: grid workers bind community groups and send notices to them; residents subscribe in private chat."""
from bot.dialogs.notices import compose, groups, report, subscriptions
from bot.dialogs.router import Router

router = Router("notices").include(groups.router, compose.router, report.router, subscriptions.router)
