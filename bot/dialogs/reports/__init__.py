"""/report: the monthly workbook and charts, sent to organizers in the chat."""
from bot.dialogs.reports import monthly
from bot.dialogs.router import Router

router = Router("reports").include(monthly.router)
