"""Volunteers: registering, pausing and leaving; 我的积分 and rewards; organizers approving
registrations, handing rewards out and crediting points by hand."""
from bot.dialogs.router import Router
from bot.dialogs.volunteers import credit, points, staff, volunteer

router = Router("volunteers").include(volunteer.router, points.router, staff.router, credit.router)
