"""发布课程: organizers publish courses and activities in the chat, then move, stop or add sessions,
message the class or close the course."""
from bot.dialogs.publishing import change, form, manage
from bot.dialogs.router import Router

router = Router("publishing").include(form.router, manage.router, change.router)
