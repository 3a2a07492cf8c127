"""Channel-neutral flows, one package per feature, each with its own Router.

ROUTERS is the app: the engine routes every turn through these, and building them together
refuses two features that claim the same verb, state, keyword or fallback."""
from bot.dialogs import (account, attendance, bookings, courses, feedback, home, notices, orders, proxy, publishing,
                         reports, shifts, volunteers, votes, whatson)

ROUTERS = [
    home.router,
    courses.router,
    bookings.router,
    orders.router,
    volunteers.router,
    votes.router,
    notices.router,
    feedback.router,
    account.router,
    reports.router,
    attendance.router,
    whatson.router,
    shifts.router,
    publishing.router,
    proxy.router,
]
