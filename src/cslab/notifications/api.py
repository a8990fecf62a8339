"""API routes of the notifications area: my notifications, mark one as read, my choices of
how notifications reach me."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Body, Field, Router, Schema
from ninja.pagination import paginate
from pydantic import StrictBool

from cslab.api.auth import SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.notifications import selectors
from cslab.notifications.selectors import CategoryPreference
from cslab.notifications.services.notifications import notification_mark_read
from cslab.notifications.services.preferences import notification_preferences_update
from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory

# Each category once, with room for a client that repeats one (the last choice counts).
MAX_PREFERENCES_PUT = 4 * len(NotificationCategory)

router = Router(tags=["notifications"], auth=SIGNED_IN)


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    url: str
    actor_id: int | None
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_message(notification: Any) -> str:
        return str(notification.render())


@router.get("/notifications", response=list[NotificationOut], summary="My notifications")
@paginate(CursorPagination)
def list_notifications(request: ApiRequest, unread: bool = False) -> Any:
    return selectors.notification_list_for_user(user=request.auth, unread_only=unread)


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    summary="Mark one of my notifications as read",
)
def read_notification(request: ApiRequest, notification_id: int) -> Any:
    notification = selectors.notification_get_for_managing(
        user=request.auth, notification_id=notification_id
    )
    return notification_mark_read(actor=request.auth, notification=notification)


class NotificationPreferenceOut(Schema):
    category: NotificationCategory
    label: str = Field(..., description="The category's name in the request's language.")
    in_app: bool
    email: EmailFrequency


class NotificationPreferenceIn(Schema):
    category: NotificationCategory
    in_app: StrictBool = Field(True, description="Show this category's notifications in the app.")
    email: EmailFrequency = Field(
        EmailFrequency.IMMEDIATE, description="E-mail them at once, in a daily digest, or not."
    )


@router.get(
    "/notifications/preferences",
    response=list[NotificationPreferenceOut],
    summary="How my notifications reach me, per category",
)
def get_notification_preferences(request: ApiRequest) -> Any:
    """Every category, with the default (in the app, e-mail at once) where I chose nothing."""
    return selectors.notification_preference_list(user=request.auth)


@router.put(
    "/notifications/preferences",
    response=list[NotificationPreferenceOut],
    summary="Choose how my notifications reach me",
)
def put_notification_preferences(
    request: ApiRequest,
    payload: Annotated[list[NotificationPreferenceIn], Body(..., max_length=MAX_PREFERENCES_PUT)],
) -> Any:
    """Store the choices given (a category left out keeps its choice); answer every category."""
    return notification_preferences_update(
        actor=request.auth,
        choices=[
            CategoryPreference(
                category=str(choice.category), in_app=choice.in_app, email=str(choice.email)
            )
            for choice in payload
        ],
    )
