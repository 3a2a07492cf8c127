"""Courses: browsing the service menu, a course's page, signing up, 我的报名, search, ratings, 请假, seat offers.

Search is the app's answer to free text no other step expects."""
from bot.dialogs.courses import browse, course, leave, my_signups, offers, ratings, search
from bot.dialogs.router import Router

router = Router("courses").include(browse.router, course.router, my_signups.router, search.router,
                                   ratings.router, leave.router, offers.router)
