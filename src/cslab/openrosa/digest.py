"""HTTP Digest access authentication (RFC 7616), MD5 with qop=auth, as ODK Collect speaks it.

Pure functions: the secret and the clock are passed in. A nonce is `<unix time>:<HMAC>` in
base64, signed with the server's secret: the server accepts a nonce it signed itself that is
younger than `NONCE_LIFETIME_SECONDS`. An older nonce gets a fresh challenge marked
`stale=true`, on which clients retry with the same credentials without asking the person.
Only `qop=auth` responses are valid: they cover a client nonce and a nonce count, which the
caller records (`cslab.openrosa.services.digest_nonces`) so that no header is accepted twice.
RFC 2069 responses (no `qop`) carry no count and could be replayed; they are refused.
"""

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

REALM = "cslab"
NONCE_LIFETIME_SECONDS = 600
ALGORITHM = "MD5"
QOP = "auth"

_PARAMETER = re.compile(r'\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?')


def md5_hex(text: str) -> str:
    # Digest's MD5 is the protocol's, not a security choice of ours.
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def ha1(username: str, password: str, realm: str = REALM) -> str:
    """Return HA1 = MD5(username:realm:password)."""
    return md5_hex(f"{username}:{realm}:{password}")


def _signature(secret: str, timestamp: str) -> str:
    message = f"openrosa-digest-nonce:{timestamp}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()[:32]


def nonce_make(*, secret: str, now: float) -> str:
    """Return a nonce carrying its creation time, signed with `secret`."""
    timestamp = str(int(now))
    raw = f"{timestamp}:{_signature(secret, timestamp)}"
    return base64.b64encode(raw.encode("ascii")).decode("ascii")


def nonce_age(nonce: str, *, secret: str, now: float) -> float | None:
    """Return the age in seconds of a nonce signed with `secret`, or None if it is not ours."""
    try:
        raw = base64.b64decode(nonce.encode("ascii"), validate=True).decode("ascii")
    except (ValueError, binascii.Error, UnicodeError):
        return None
    timestamp, _separator, signature = raw.partition(":")
    if not timestamp.isdigit() or not hmac.compare_digest(signature, _signature(secret, timestamp)):
        return None
    age = now - int(timestamp)
    return age if age >= -60 else None  # a nonce from the future was not made by this clock


def challenge(*, secret: str, now: float, stale: bool = False) -> str:
    """Return the value of a `WWW-Authenticate` header asking for Digest credentials."""
    nonce = nonce_make(secret=secret, now=now)
    opaque = md5_hex(f"opaque:{REALM}")
    value = (
        f'Digest realm="{REALM}", qop="{QOP}", algorithm={ALGORITHM}, '
        f'nonce="{nonce}", opaque="{opaque}"'
    )
    return value + (", stale=true" if stale else "")


@dataclass(frozen=True)
class DigestResponse:
    """The parameters of an `Authorization: Digest ...` header."""

    username: str
    realm: str
    nonce: str
    uri: str
    response: str
    qop: str
    nc: str
    cnonce: str
    algorithm: str


def parse_authorization(header: str) -> DigestResponse | None:
    """Read an `Authorization: Digest ...` header; None if it is not a complete one."""
    scheme, _space, rest = header.partition(" ")
    if scheme.lower() != "digest":
        return None
    values: dict[str, str] = {}
    position = 0
    while position < len(rest):
        match = _PARAMETER.match(rest, position)
        if match is None or match.end() == position:
            return None
        quoted, bare = match.group(2), match.group(3)
        value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare or ""
        values[match.group(1).lower()] = value
        position = match.end()
    needed = ("username", "realm", "nonce", "uri", "response")
    if not all(values.get(name) for name in needed):
        return None
    return DigestResponse(
        username=values["username"],
        realm=values["realm"],
        nonce=values["nonce"],
        uri=values["uri"],
        response=values["response"].lower(),
        qop=values.get("qop", ""),
        nc=values.get("nc", ""),
        cnonce=values.get("cnonce", ""),
        algorithm=values.get("algorithm", ALGORITHM),
    )


_NONCE_COUNT = re.compile(r"[0-9a-fA-F]{8}")


def nonce_count(credentials: DigestResponse) -> int | None:
    """Return the nonce count (`nc`, eight hex digits) as a number; None if it is malformed."""
    if not _NONCE_COUNT.fullmatch(credentials.nc):
        return None
    return int(credentials.nc, 16)


def expected_response(credentials: DigestResponse, *, ha1_hex: str, method: str) -> str:
    """Return the `response` a client knowing the password computes for this request."""
    ha2 = md5_hex(f"{method}:{credentials.uri}")
    return md5_hex(
        f"{ha1_hex}:{credentials.nonce}:{credentials.nc}:{credentials.cnonce}:"
        f"{credentials.qop}:{ha2}"
    )


def response_is_valid(credentials: DigestResponse, *, ha1_hex: str, method: str) -> bool:
    """Compare the client's response with the expected one in constant time.

    Only `qop=auth` with a client nonce and a well-formed nonce count is valid.
    """
    if credentials.algorithm.upper() != ALGORITHM or credentials.realm != REALM:
        return False
    if credentials.qop != QOP or not credentials.cnonce or nonce_count(credentials) is None:
        return False
    expected = expected_response(credentials, ha1_hex=ha1_hex, method=method)
    return hmac.compare_digest(expected, credentials.response)
