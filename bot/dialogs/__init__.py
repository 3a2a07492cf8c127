"""Channel-neutral flows, one package per feature, each with its own Router; ROUTERS is the app."""
from bot.dialogs import bookings, courses, feedback, flows, home, legacy, orders, volunteers  # noqa: F401  (flows: registers those not yet moved)

ROUTERS = [home.router, courses.router, bookings.router, orders.router, volunteers.router, feedback.router, legacy.router]

