"""代办: staff find a resident by name and phone 尾号 (or register one without a chat account) and act
for them; relatives linked by a one-time code act for their elder; the elder sees and removes links."""
from bot.dialogs.proxy import family, find, register
from bot.dialogs.router import Router

router = Router("proxy").include(find.router, register.router, family.router)
