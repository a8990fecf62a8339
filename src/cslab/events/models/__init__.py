from cslab.events.models.event import (
    Event,
    EventPerson,
    EventProject,
    EventResource,
    EventSession,
    EventTag,
)
from cslab.events.models.feedback_request import FeedbackRequest
from cslab.events.models.registration import EventFeedback, Registration, ReminderDelivery

__all__ = [
    "Event",
    "EventFeedback",
    "EventPerson",
    "EventProject",
    "EventResource",
    "EventSession",
    "EventTag",
    "FeedbackRequest",
    "Registration",
    "ReminderDelivery",
]
