"""Matrix rows of issue 14 item 8 (part "notify"): the notification preferences page and API
and the unsubscribe link of notification e-mails.

Preferences are always the viewer's own: every signed-in person may read and save theirs.
`build` makes an unsubscribe link of `other_user`: it works for whoever holds it, signed in or
not (the signed token is the proof); a damaged one answers 400 to everyone.
"""

from cslab.notifications.unsubscribe import unsubscribe_token
from cslab.notifications.vocabulary import NotificationCategory
from tests.permission_matrix import Row, World, every, signed_in


def build(world: World) -> None:
    world.extra["notification-unsubscribe"] = unsubscribe_token(
        world.other_user, [NotificationCategory.PROJECT_NEWS]
    )


def _unsubscribe(world: World) -> str:
    return f"/notifications/unsubscribe/{world.extra['notification-unsubscribe']}/"


def _preferences_form(world: World) -> dict[str, str]:
    data = {}
    for category in NotificationCategory.values:
        data[f"{category}-in_app"] = "on"
        data[f"{category}-email"] = "daily"
    return data


# fmt: off
ROWS: list[Row] = [
    Row("notification preferences page", "GET", lambda w: "/notifications/preferences/",
        signed_in(200, 302), api=False, route="notification_preferences"),
    Row("save notification preferences", "POST", lambda w: "/notifications/preferences/",
        signed_in(302, 302), api=False, body=_preferences_form,
        route="notification_preferences"),
    Row("notification unsubscribe page", "GET", _unsubscribe, every(200), api=False,
        route="notification_unsubscribe"),
    Row("notification unsubscribe: the page's button", "POST", _unsubscribe, every(200),
        api=False, route="notification_unsubscribe"),
    Row("notification unsubscribe: one-click", "POST", _unsubscribe, every(200), api=False,
        body={"List-Unsubscribe": "One-Click"}, route="notification_unsubscribe"),
    Row("notification unsubscribe with a damaged token", "POST",
        lambda w: "/notifications/unsubscribe/not-a-token/", every(400), api=False,
        route="notification_unsubscribe"),
    Row("my notification preferences", "GET", lambda w: "/api/v1/notifications/preferences",
        signed_in(200, 401), route="/api/v1/notifications/preferences"),
    Row("choose my notification preferences", "PUT",
        lambda w: "/api/v1/notifications/preferences",
        signed_in(200, 401), body=lambda w: [{"category": "digests", "email": "off"}],  # type: ignore[arg-type,return-value]
        route="/api/v1/notifications/preferences"),
]
# fmt: on
