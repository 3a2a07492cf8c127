"""The resident's account: 设置 (reminders), 绑定账号 across chat apps, and 邀请码 for staff roles."""
from bot.dialogs.account import course_reminders, invites, linking, settings
from bot.dialogs.router import Router

router = Router("account").include(settings.router, course_reminders.router, linking.router, invites.router)
