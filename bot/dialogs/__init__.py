"""Channel-neutral flows, one package per feature, each with its own Router; ROUTERS is the app."""
from bot.dialogs import bookings, courses, flows, home, legacy, orders  # noqa: F401  (flows: registers those not yet moved)

ROUTERS = [home.router, courses.router, bookings.router, orders.router, legacy.router]

