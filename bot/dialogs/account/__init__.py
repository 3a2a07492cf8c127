"""The resident's account: 设置 (reminders), 绑定账号 across chat apps, 邀请码 for staff roles, and
我的数据 (see, export or delete what is stored)."""
from bot.dialogs.account import course_reminders, invites, linking, my_data, settings
from bot.dialogs.router import Router

router = Router("account").include(settings.router, course_reminders.router, linking.router, invites.router,
                                     my_data.router)
