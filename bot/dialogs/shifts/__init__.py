"""值班: organizers post volunteer shifts; volunteers sign up, check in and out, and earn hours and points."""
from bot.dialogs.router import Router
from bot.dialogs.shifts import checkin, post, signup

router = Router("shifts").include(post.router, signup.router, checkin.router)
