"""All tables, importable from one place."""
from store.models.catalog import Category, ClassSession, Course, Venue
from store.models.people import ChannelAccount, Resident
from store.models.enrolment import Enrolment, SessionLeave
from store.models.dialog import DialogState, ProcessedUpdate
from store.models.outbox import OutboxMessage
from store.models.inbox import InboundUpdate
from store.models.wecom import WecomGroupChat, WecomKfCursor, WecomToken
from store.models.wechat import WechatWindow
from store.models.link import LinkCode, LinkFailure
from store.models.web import WebInboxMessage, WebSession
from store.models.rating import Rating
from store.models.staff import AuditEntry, InviteCode, RoleGrant
from store.models.booking import Booking, BookingPause, Room, RoomClosure
from store.models.orders import (OrderEvent, OrderRating, ServiceItem, ServiceOrder,
                                 ServiceTeam, TeamMember)
from store.models.volunteers import PointEntry, Redemption, Reward, Volunteer
from store.models.feedback import Feedback
from store.models.votes import Ballot, Vote, VoteOption
from store.models.notices import CommunityGroup, GroupBindCode, Notice, NoticeSubscription
from store.models.customer_groups import (ContactWay, CustomerGroup, CustomerGroupSend, CustomerGroupTask,
                                         ExternalContact)
from store.models.attendance import Attendance, SessionRoll
from store.models.pacing import SendPace
from store.models.watch import Watch
from store.models.shifts import Shift, ShiftSignup
from store.models.seat_offer import SeatOffer
from store.models.units import Unit
from store.models.family import FamilyCode, FamilyLink
from store.models.push_plan import PushPlan

__all__ = [
    "WecomToken", "WecomGroupChat", "WecomKfCursor", "WechatWindow", "LinkCode", "LinkFailure",
    "Category", "ClassSession", "Course", "Venue", "ChannelAccount", "Resident",
    "Enrolment", "SessionLeave", "DialogState", "ProcessedUpdate", "OutboxMessage", "InboundUpdate",
    "Rating", "AuditEntry", "InviteCode", "RoleGrant",
    "Room", "RoomClosure", "Booking", "BookingPause",
    "ServiceItem", "ServiceTeam", "TeamMember", "ServiceOrder", "OrderEvent", "OrderRating",
    "WebInboxMessage", "WebSession",
    "Volunteer", "PointEntry", "Reward", "Redemption", "Feedback",
    "Vote", "VoteOption", "Ballot",
    "CommunityGroup", "GroupBindCode", "Notice", "NoticeSubscription",
    "CustomerGroup", "CustomerGroupTask", "CustomerGroupSend", "ContactWay", "ExternalContact",
    "Attendance", "SessionRoll",
    "SendPace",
    "Watch",
    "Shift", "ShiftSignup",
    "SeatOffer",
    "Unit",
    "FamilyCode", "FamilyLink",
    "PushPlan",
]
