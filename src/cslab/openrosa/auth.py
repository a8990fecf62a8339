"""Who is asking: a signed-in session, HTTP Digest with a device password, or an app user's
token URL."""

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from cslab.accounts.throttling import account_attempt_reserve, failure_key
from cslab.openrosa import digest
from cslab.openrosa.actors import AppUserActor
from cslab.openrosa.selectors import app_user_get_by_token
from cslab.openrosa.services.device_passwords import (
    device_password_mark_used,
    device_password_matching,
)
from cslab.openrosa.services.digest_nonces import digest_nonce_use_record


@dataclass(frozen=True)
class DigestRefusal:
    """No acceptable credentials: answer 401 with this challenge."""

    challenge: str


def _failure_key(username: str, request: HttpRequest) -> str:
    # Per account and client address, as on the web (cslab.accounts.throttling).
    return "openrosa-digest-failures:" + failure_key(login=username, request=request)


def _failures_exceeded(username: str, request: HttpRequest) -> bool:
    count = int(cache.get(_failure_key(username, request), 0))
    return bool(count >= settings.LOGIN_FAILURE_LIMIT)


def _count_failure(username: str, request: HttpRequest) -> None:
    key = _failure_key(username, request)
    window = settings.LOGIN_FAILURE_WINDOW_MINUTES * 60
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, timeout=window)


def _is_this_request(uri: str, request: HttpRequest) -> bool:
    """Whether the signed `uri` names this very request: path and query string, as sent
    (relative, as clients send it, or absolute)."""
    return uri in (request.get_full_path(), request.build_absolute_uri())


def user_from_digest(request: HttpRequest) -> Any:
    """Return the user whose valid Digest credentials the request carries, or a refusal.

    The password is one of the person's device passwords, never their web password (see
    `models.DevicePassword`).

    The response must sign this request's whole URI (query string included) with `qop=auth`,
    under a signed nonce younger than `digest.NONCE_LIFETIME_SECONDS` (an older one gets a
    challenge marked stale, which clients answer with the same password without asking), and
    its nonce count must not have been used before under that nonce, so a captured header
    cannot be sent again. Failed attempts count against the username and client address like
    failed web sign-ins (LOGIN_FAILURE_LIMIT per LOGIN_FAILURE_WINDOW_MINUTES), and against
    the username over all addresses (LOGIN_ACCOUNT_FAILURE_LIMIT per hour).
    """
    now = time.time()
    secret = settings.SECRET_KEY
    header = request.headers.get("Authorization", "")
    credentials = digest.parse_authorization(header) if header else None
    if credentials is None:
        return DigestRefusal(digest.challenge(secret=secret, now=now))
    if _failures_exceeded(credentials.username, request):
        return DigestRefusal(digest.challenge(secret=secret, now=now))
    # Device passwords have their own hourly ceiling per account over all addresses: guessing
    # them is not guessing the web password, and must not lock the web log-in.
    reservation = account_attempt_reserve(
        login=credentials.username, request=request, credential="device-password"
    )
    if reservation is None:
        return DigestRefusal(digest.challenge(secret=secret, now=now))
    age = digest.nonce_age(credentials.nonce, secret=secret, now=now)
    device_password = (
        device_password_matching(credentials, method=request.method or "")
        if age is not None and _is_this_request(credentials.uri, request)
        else None
    )
    if device_password is None:
        _count_failure(credentials.username, request)
        return DigestRefusal(digest.challenge(secret=secret, now=now))
    reservation.rollback()
    if age is None or age > digest.NONCE_LIFETIME_SECONDS:
        return DigestRefusal(digest.challenge(secret=secret, now=now, stale=True))
    count = digest.nonce_count(credentials)
    if count is None or not digest_nonce_use_record(nonce=credentials.nonce, count=count):
        # A replayed header: it proves nothing about who sends it now.
        return DigestRefusal(digest.challenge(secret=secret, now=now))
    device_password_mark_used(device_password)
    return device_password.user


def actor_for_token(*, token: str, slug: str) -> AppUserActor:
    """Return the actor of an active app user's token URL; NotFoundError otherwise."""
    return AppUserActor(app_user_get_by_token(token=token, slug=slug))
