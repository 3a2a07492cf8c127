"""Attendance: 点名 by the teacher or staff, 上课签到 by residents with the session's code."""
from bot.dialogs.attendance import checkin, roll
from bot.dialogs.router import Router

router = Router("attendance").include(roll.router, checkin.router)
