"""Whose failed log-ins count together: one account from one client address.

Counting failures per account alone let anyone lock a person out of the web and ODK Collect
by typing their e-mail address with wrong passwords ten times. Counting per account *and*
address keeps guessing from one address slow while a stranger elsewhere cannot lock anyone
out. The address is the one django-allauth trusts (`ALLAUTH_TRUSTED_PROXY_COUNT` proxies
in front, or `ALLAUTH_TRUSTED_CLIENT_IP_HEADER`), and an IPv6 address counts by its /64
network, since one machine commonly holds a whole /64.
"""

import hashlib
import ipaddress

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

IPV6_PREFIX = 64


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
