"""Matrix rows of event registration (issue 13 item 2): the register form, cancelling (signed
in, and by an e-mail's token, which needs no account), and "My events".

`build` adds a published Lab event with places, a draft event of another person, and that
other person's registration for the published event (its token stands for an e-mail's link).
"""

from typing import Any

from cslab.events.models import Event, Registration
from tests.events.factories import make_event, make_registration
from tests.permission_matrix import (
    ANONYMOUS,
    LOGIN_REDIRECT,
    Row,
    World,
    every,
    signed_in,
)


def build(world: World) -> None:
    published = make_event(slug="matrix-registration-open", capacity=5, ask_organisation=True)
    world.extra["registration-open"] = published
    world.extra["registration-draft"] = make_event(
        slug="matrix-registration-draft", status=Event.Status.DRAFT, created_by=world.other_user
    )
    world.extra["registration-other"] = make_registration(event=published, user=world.other_user)


def _event(key: str, action: str) -> Any:
    return lambda w: f"/events/{w.extra[key].slug}/{action}/"


def _token(w: World) -> str:
    registration: Registration = w.extra["registration-other"]
    return f"/events/cancel/{registration.token}/"


DONE = 302

# fmt: off
ROWS: list[Row] = [
    Row("registration form of a published event", "GET",
        _event("registration-open", "register"),
        signed_in(200, LOGIN_REDIRECT), api=False, route="event_register"),
    Row("registration form of someone else's draft", "GET",
        _event("registration-draft", "register"),
        # Staff may open a draft, but it takes no registrations: back to the event page.
        signed_in(404, LOGIN_REDIRECT, staff=DONE, superuser=DONE), api=False,
        route="event_register"),
    Row("register for a published event", "POST",
        _event("registration-open", "register"),
        signed_in(DONE, LOGIN_REDIRECT), api=False, route="event_register",
        body={"organisation": "Matrix"}),
    Row("cancel without a registration of one's own", "POST",
        _event("registration-open", "cancel"),
        signed_in(404, LOGIN_REDIRECT), api=False, route="event_registration_cancel"),
    Row("cancel-by-token confirm page (the link in an e-mail)", "GET", _token,
        every(200), api=False, route="event_registration_cancel_by_token"),
    Row("cancel by token (no account needed)", "POST", _token,
        every(200), api=False, route="event_registration_cancel_by_token"),
    Row("cancel with an unknown token", "POST", lambda w: "/events/cancel/not-a-token/",
        every(404), api=False, route="event_registration_cancel_by_token"),
    Row("my events", "GET", lambda w: "/events/mine/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="my_events"),
]
# fmt: on

__all__ = ["ANONYMOUS", "ROWS", "build"]
