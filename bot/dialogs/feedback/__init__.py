"""意见反馈: residents send a wish or a complaint; organizers answer it (/feedback)."""
from bot.dialogs.feedback import flow
from bot.dialogs.router import Router

router = Router("feedback").include(flow.router)
