"""投票: residents vote and see results; organizers create votes (/newvote) and run prize draws (/draw)."""
from bot.dialogs.router import Router
from bot.dialogs.votes import admin, draw, vote

router = Router("votes").include(vote.router, admin.router, draw.router)
