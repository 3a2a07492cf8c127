"""点单服务: residents order a service and rate it; organizers and service teams dispatch, accept and complete."""
from bot.dialogs.orders import credit, resident, staff, staff_answers
from bot.dialogs.router import Router

router = Router("orders").include(resident.router, staff.router, staff_answers.router, credit.router)
