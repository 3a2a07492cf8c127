"""What's on: sessions by day, weekend or week, by community (我的社区), and 有新课/有名额时提醒我."""
from bot.dialogs.router import Router
from bot.dialogs.whatson import alerts, community, sessions

router = Router("whatson").include(sessions.router, community.router, alerts.router)
