"""API routes of the notifications area: my notifications, mark one as read."""

from datetime import datetime
from typing import Any

from ninja import Router, Schema
from ninja.pagination import paginate

from cslab.api.auth import SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.notifications import selectors
from cslab.notifications.services.notifications import notification_mark_read

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
