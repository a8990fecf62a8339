"""Whose failed log-ins count together: one account from one client address, and one account
from all addresses within an hour.

Counting failures per account alone let anyone lock a person out of the web and ODK Collect
by typing their e-mail address with wrong passwords ten times. Counting per account *and*
address keeps guessing from one address slow while a stranger elsewhere cannot lock anyone
out. The address is the one django-allauth trusts (`ALLAUTH_TRUSTED_PROXY_COUNT` proxies
in front, or `ALLAUTH_TRUSTED_CLIENT_IP_HEADER`), and an IPv6 address counts by its /64
network, since one machine commonly holds a whole /64.

Guessing from many addresses (a botnet, or 50 cloud machines) passes the per-address limit, so
each account also has a ceiling over all addresses together: at most
`LOGIN_ACCOUNT_FAILURE_LIMIT` password checks that fail per hour (OWASP ASVS 4.0.3 §2.2.1:
no more than 100). Past it the password is not checked at all until the oldest failure is an
hour old; the person can still use SSO, an API token or a device password meanwhile. A
ceiling someone else can reach is a way to lock a person out for an hour; the ASVS accepts
that, and the limit keeps it to attacks that are visible and short-lived.
"""

import hashlib
import ipaddress
from typing import Any

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

IPV6_PREFIX = 64
ACCOUNT_FAILURES_ACTION = "login_failed_account"
ACCOUNT_FAILURES_WINDOW = "1h"


def client_address(request: HttpRequest) -> str:
    """Return the client's address as allauth sees it (an IPv6 one as its /64 network)."""
    from allauth.account.adapter import get_adapter

    try:
        address = str(get_adapter(request).get_client_ip(request))
    except PermissionDenied:  # no usable address: such clients count together
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return address


def failure_key(*, login: str, request: HttpRequest) -> str:
    """Return the key that failed log-ins with this login from this client count under."""
    source = f"{login.strip().lower()}|{client_address(request)}"
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def account_attempt_reserve(
    *, login: str, request: HttpRequest, credential: str = "password"
) -> ratelimit.RateLimitUsage | None:
    """Take one of the account's hourly password checks before checking; None when none is left.

    The caller checks the password only when this returns a reservation, and rolls the
    reservation back (`usage.rollback()`) when the check succeeds, so that only failures
    count. Reserving before checking keeps simultaneous guesses within the ceiling too.
    `credential` separates secrets that are guessed separately: the web password (the log-in
    page and ODK Central's Basic and session log-in share it) and device passwords.
    """
    rate = f"{settings.LOGIN_ACCOUNT_FAILURE_LIMIT}/{ACCOUNT_FAILURES_WINDOW}/key"
    return ratelimit.consume(
        request,
        app="cslab.accounts",
        action=ACCOUNT_FAILURES_ACTION,
        config={ACCOUNT_FAILURES_ACTION: rate},
        key=f"{credential}|{login.strip().lower()}",
        # Excel and Power BI send Basic credentials with GET requests.
        limit_get=True,
    )


def password_check_throttled(*, user: Any, password: str) -> bool:
    """Check a signed-in person's password (to change it, or to erase the account) within the
    same hourly ceiling as the log-in, so that a stolen session cannot guess it either.

    Return True only for the right password; past the ceiling the password is not checked.
    """
    reservation = account_attempt_reserve(login=str(user.email or ""), request=HttpRequest())
    if reservation is None:
        return False
    if user.check_password(password):
        reservation.rollback()
        return True
    return False
