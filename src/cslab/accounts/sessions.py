"""Signed-in sessions end on the server: after SESSION_ABSOLUTE_HOURS from log-in, or after
SESSION_IDLE_MINUTES without a request (OWASP ASVS 4.0.3 §3.3.2 at level 2: 12 hours, 30
minutes; 5.0 7.3.1 and 7.3.2).

The cookie's own lifetime (SESSION_COOKIE_AGE) is only what the browser is asked to keep; a
copied cookie keeps working until the server refuses it, so the server keeps each session's
start and last activity in the session itself and logs out past either limit. The last
activity is written at most once a minute, so that reading pages does not turn every request
into a session write.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

STARTED_KEY = "_cslab_session_started"
SEEN_KEY = "_cslab_session_seen"
SEEN_RESOLUTION_SECONDS = 60


def session_limits_start(request: HttpRequest) -> None:
    """Mark the session as starting now (called on every log-in)."""
    now = time.time()
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now


@receiver(user_logged_in, dispatch_uid="cslab.accounts.sessions.start")
def _logged_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_limits_start(request)


def session_is_expired(*, started: float, seen: float, now: float) -> bool:
    """Whether a session that started and was last used at these times has ended by `now`."""
    return bool(
        now - started > settings.SESSION_ABSOLUTE_HOURS * 3600
        or now - seen > settings.SESSION_IDLE_MINUTES * 60
    )


class SessionLimitsMiddleware:
    """Log out a signed-in session past its absolute or idle limit (after AuthenticationMiddleware).

    The request then goes on as an anonymous one: a page asks to sign in again, the API
    answers 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = time.time()
        started = request.session.get(STARTED_KEY)
        seen = request.session.get(SEEN_KEY)
        if not isinstance(started, int | float) or not isinstance(seen, int | float):
            # A session from before these limits: they count from now.
            session_limits_start(request)
            return
        if session_is_expired(started=started, seen=seen, now=now):
            logout(request)
            return
        if now - seen >= SEEN_RESOLUTION_SECONDS:
            request.session[SEEN_KEY] = now
