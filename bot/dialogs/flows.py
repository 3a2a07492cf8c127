"""Importing this module registers every flow with the router."""
from bot.dialogs import browse, course, menus, my_signups, search_flow  # noqa: F401
from bot.dialogs import rating_flow, reminders_flow, settings_flow, course_reminders_flow  # noqa: F401
from bot.dialogs import link_flow  # noqa: F401
from bot.dialogs import staff_access  # noqa: F401
from bot.dialogs import order_flow, order_staff_answers, order_staff_flow  # noqa: F401
from bot.dialogs import points_flow, volunteer_flow, volunteer_staff_flow, credit_flow  # noqa: F401
from bot.dialogs import feedback_flow  # noqa: F401
from bot.dialogs import booking_flow, booking_confirm, checkin_flow, my_bookings  # noqa: F401
from bot.dialogs import group_flow, notice_flow, notice_report, notice_subscribe  # noqa: F401
from bot.dialogs import vote_flow, vote_admin_flow, draw_flow, report_flow  # noqa: F401
