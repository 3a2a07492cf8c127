"""场馆预约: choosing a venue, room, day and slot; confirming; 我的预约; 签到 by staff."""
from bot.dialogs.bookings import checkin, choose, confirm, my_bookings
from bot.dialogs.router import Router

router = Router("bookings").include(choose.router, confirm.router, my_bookings.router, checkin.router)
