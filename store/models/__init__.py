"""All tables, importable from one place."""
from store.models.catalog import Category, ClassSession, Course, Venue
from store.models.people import ChannelAccount, Resident
from store.models.enrolment import Enrolment, SessionLeave
from store.models.dialog import DialogState, ProcessedUpdate
from store.models.outbox import OutboxMessage

__all__ = [
    "Category", "ClassSession", "Course", "Venue", "ChannelAccount", "Resident",
    "Enrolment", "SessionLeave", "DialogState", "ProcessedUpdate", "OutboxMessage",
]
