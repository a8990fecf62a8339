"""Item 7, authentication (docs/reliability.md S1–S4): guessing passwords is throttled per
account, reset e-mails are rationed, sessions end on the server, bearer secrets are kept only
as hashes, `check --deploy` is clean, and every page carries the security headers.

Password checks are counted where they cost: a counting password hasher (every `verify`, and
every `encode` outside one, as the dummy hashing for unknown addresses does) and, for ODK
Collect's Digest, every call that compares a response with the stored device passwords. A
refused attempt must cost no such check.
"""

from __future__ import annotations

import base64
import os
import re
import runpy
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any
from unittest import mock

import freezegun
import freezegun.config
import pytest
from benchmarks.support import cslab_executable
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from freezegun import freeze_time
from requests.auth import HTTPDigestAuth

from cslab.core.roles import SiteRole
from cslab.openrosa import auth as openrosa_auth
from cslab.openrosa import digest
from tests.conftest import skip_or_fail
from tests.factories import TEST_PASSWORD, UserFactory

ITEM = "7 authentication"
ASVS_FAILURES_PER_HOUR = 100
START = datetime(2026, 3, 2, 9, 0, 0)  # noqa: DTZ001 (freezegun takes naive UTC)
WRONG = "not-the-password-"


# --- counting password checks ------------------------------------------------------------------


class CountingHasher(MD5PasswordHasher):
    """MD5 (as the test settings) that counts the password checks it does."""

    checks = 0
    _depth = 0

    def verify(self, password: str, encoded: str) -> bool:
        type(self).checks += 1
        type(self)._depth += 1
        try:
            return bool(super().verify(password, encoded))
        finally:
            type(self)._depth -= 1

    def encode(self, password: str, salt: str) -> str:
        if not type(self)._depth:  # hashing a password on its own (the unknown-address decoy)
            type(self).checks += 1
        return str(super().encode(password, salt))


@pytest.fixture
def counted_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], int]]:
    """Count password hashing and device-password comparisons; return the running total."""
    digest_checks = [0]
    matching = openrosa_auth.device_password_matching

    def counting_matching(*args: Any, **kwargs: Any) -> Any:
        digest_checks[0] += 1
        return matching(*args, **kwargs)

    monkeypatch.setattr(openrosa_auth, "device_password_matching", counting_matching)
    hasher = f"{__name__}.CountingHasher"
    with override_settings(PASSWORD_HASHERS=[hasher]):
        CountingHasher.checks = 0
        yield lambda: CountingHasher.checks + digest_checks[0]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # The URLconf (and the API's schemas with it) loads before any clock is frozen: pydantic
    # cannot build schemas around freezegun's stand-in datetime.
    get_resolver().url_patterns  # noqa: B018
    # No call-stack inspection on every clock read (freezegun's ignore list): nothing here
    # needs the real time, and the inspection made each request several times slower.
    freezegun.configure(default_ignore_list=[])
    cache.clear()
    yield
    cache.clear()
    freezegun.config.reset_config()


# --- the ways a password is checked ------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One password sent one way: the response's status and whether it said 'refused'."""

    status: int
    refused_text: bool


def _basic(email: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


def _digest_header(*, email: str, password: str, uri: str) -> str:
    """The Authorization header ODK Collect (and `requests`) sends, under a fresh nonce."""
    auth = HTTPDigestAuth(email, password)
    auth.init_per_thread_state()
    auth._thread_local.chal = {
        "realm": digest.REALM,
        "nonce": digest.nonce_make(secret=settings.SECRET_KEY, now=time.time()),
        "qop": "auth",
        "algorithm": "MD5",
    }
    header = auth.build_digest_header("GET", f"http://testserver{uri}")
    assert header is not None
    return str(header)


def _web(client: Client, email: str, password: str, address: str) -> Attempt:
    response = client.post(
        "/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=address
    )
    return Attempt(response.status_code, b"Too many failed" in response.content)


def _admin(client: Client, email: str, password: str, address: str) -> Attempt:
    response = client.post(
        "/admin/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )
    # The admin sends everyone to the site's log-in page instead of checking a password.
    return Attempt(response.status_code, response.status_code == 302)


def _central_basic(client: Client, email: str, password: str, address: str) -> Attempt:
    response = client.get(
        "/v1/projects", HTTP_AUTHORIZATION=_basic(email, password), REMOTE_ADDR=address
    )
    return Attempt(response.status_code, False)


def _central_session(client: Client, email: str, password: str, address: str) -> Attempt:
    response = client.post(
        "/v1/sessions",
        {"email": email, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )
    return Attempt(response.status_code, False)


DIGEST_URI = "/openrosa/no-such-project/formList"


def _openrosa_digest(client: Client, email: str, password: str, address: str) -> Attempt:
    header = _digest_header(email=email, password=password, uri=DIGEST_URI)
    response = client.get(DIGEST_URI, HTTP_AUTHORIZATION=header, REMOTE_ADDR=address)
    return Attempt(response.status_code, False)


def _password_change(client: Client, email: str, password: str, address: str) -> Attempt:
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        REMOTE_ADDR=address,
    )
    return Attempt(response.status_code, False)


def _erasure(client: Client, email: str, password: str, address: str) -> Attempt:
    response = client.post(
        "/api/v1/me/erase",
        {"password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )
    return Attempt(response.status_code, False)


NEW_PASSWORD = "a-new-and-long-passphrase-77"


@dataclass(frozen=True)
class PasswordWay:
    name: str
    attempt: Callable[[Client, str, str, str], Attempt]
    # What a wrong password gets when it is checked, and when it is refused unchecked.
    failed: Callable[[Attempt], bool]
    refused: Callable[[Attempt], bool]
    # Whether the right password gets in (after the window), on this way.
    succeeded: Callable[[Attempt], bool]
    uses_device_password: bool = False
    # Asked of a signed-in person (a stolen session must not be able to guess it either).
    signed_in: bool = False


WAYS = [
    PasswordWay(
        "log-in page",
        _web,
        failed=lambda a: a.status == 200 and not a.refused_text,
        refused=lambda a: a.status == 429 or (a.status == 200 and a.refused_text),
        succeeded=lambda a: a.status == 302,
    ),
    PasswordWay(
        "admin log-in",
        _admin,
        failed=lambda a: False,
        refused=lambda a: a.refused_text,
        succeeded=lambda a: a.status == 302,
    ),
    PasswordWay(
        "ODK Central Basic",
        _central_basic,
        # Central answers a wrong and a refused password alike (401), as Central does.
        failed=lambda a: a.status == 401,
        refused=lambda a: a.status in (401, 429),
        succeeded=lambda a: a.status == 200,
    ),
    PasswordWay(
        "ODK Central session",
        _central_session,
        failed=lambda a: a.status == 401,
        refused=lambda a: a.status in (401, 429),
        succeeded=lambda a: a.status == 200,
    ),
    PasswordWay(
        "OpenRosa Digest",
        _openrosa_digest,
        failed=lambda a: a.status == 401,
        refused=lambda a: a.status in (401, 429),
        # Signed in: the unknown project is then a 404, not another challenge.
        succeeded=lambda a: a.status == 404,
        uses_device_password=True,
    ),
    PasswordWay(
        "password change",
        _password_change,
        # The form says "enter your current password" whether checked or refused; past
        # allauth's own limit on password changes (5 a minute per person) the answer is 429.
        failed=lambda a: a.status == 200,
        refused=lambda a: a.status in (200, 429),
        succeeded=lambda a: a.status == 302,
        signed_in=True,
    ),
    PasswordWay(
        "account erasure",
        _erasure,
        failed=lambda a: a.status == 403,
        refused=lambda a: a.status == 403,
        succeeded=lambda a: 200 <= a.status < 300,
        signed_in=True,
    ),
]


def _client_for(way: PasswordWay, person: Any) -> Client:
    client = Client()
    if way.signed_in:
        client.force_login(person)
    return client


def _addresses(count: int) -> list[str]:
    return [f"198.51.100.{index + 1}" for index in range(count)]


@pytest.mark.django_db
@pytest.mark.parametrize("address_count", [1, 50], ids=["one-address", "50-addresses"])
@pytest.mark.parametrize("way", WAYS, ids=[way.name.replace(" ", "-") for way in WAYS])
def test_wrong_passwords_against_one_account_are_checked_at_most_the_hourly_ceiling(
    way: PasswordWay,
    address_count: int,
    scale: Any,
    report_figure: Callable[..., Any],
    counted_checks: Callable[[], int],
) -> None:
    attempts = scale.pick(short=120, full=1000)
    ceiling = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    person = UserFactory(site_role=SiteRole.VOLUNTEER)
    password = TEST_PASSWORD
    if way.uses_device_password:
        from cslab.openrosa.services.device_passwords import device_password_create

        _device, password = device_password_create(actor=person, name="phone")
    addresses = _addresses(address_count)
    step = timedelta(seconds=59 * 60 / attempts)  # all of them within one hour

    evaluated = refused = unexpected = 0
    with freeze_time(START) as clock:
        client = _client_for(way, person)
        for number in range(attempts):
            before = counted_checks()
            answer = way.attempt(
                client, person.email, f"{WRONG}{number}", addresses[number % address_count]
            )
            checked = counted_checks() - before
            if checked:
                evaluated += 1
                unexpected += checked > 1 or not way.failed(answer)
            else:
                refused += 1
                unexpected += not way.refused(answer)
            clock.tick(step)
        # An hour after the last failure the person gets in again, from their own address.
        clock.tick(timedelta(hours=1, minutes=1))
        comeback = way.attempt(_client_for(way, person), person.email, password, "203.0.113.7")
        if way.name == "admin log-in":  # the admin's way in is the log-in page
            comeback = _web(Client(), person.email, password, "203.0.113.7")

    kept = (
        evaluated <= ceiling <= ASVS_FAILURES_PER_HOUR
        and unexpected == 0
        and way.succeeded(comeback)
    )
    report_figure(
        item=ITEM,
        measure=f"wrong passwords checked, {way.name}, {attempts} in 1 h from "
        f"{address_count} address(es)",
        value=f"{evaluated} checked, {refused} refused unchecked, {unexpected} odd answers, "
        f"right password after the hour: {'in' if way.succeeded(comeback) else 'REFUSED'}",
        target=f"≤ {ceiling} checked (LOGIN_ACCOUNT_FAILURE_LIMIT; ASVS ≤ 100/h/account)",
        passed=kept,
    )
    assert ceiling <= ASVS_FAILURES_PER_HOUR
    assert evaluated <= ceiling, f"{evaluated} wrong passwords checked within the hour"
    assert unexpected == 0, "an answer was neither a failure nor a refusal"
    assert way.succeeded(comeback), f"the right password was refused after the hour: {comeback}"


# --- password reset ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_sends_at_most_one_email_per_hour_per_address_known_or_not(
    report_figure: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    person = UserFactory(site_role=SiteRole.VOLUNTEER)
    unknown = "nobody-here@example.org"
    requests_per_hour = 6
    answers: dict[str, list[tuple[int, str]]] = {person.email: [], unknown: []}
    emails_first_hour: dict[str, int] = {}
    with freeze_time(START) as clock:
        for hour in range(2):
            for number in range(requests_per_hour):
                for email in answers:
                    client = Client()
                    with django_capture_on_commit_callbacks(execute=True):
                        response = client.post(
                            "/accounts/password/reset/",
                            {"email": email},
                            REMOTE_ADDR=f"192.0.2.{10 * hour + number + 1}",
                        )
                    answers[email].append((response.status_code, response.get("Location", "")))
                clock.tick(timedelta(minutes=9))
            if hour == 0:
                emails_first_hour = {
                    email: sum(email in message.to for message in mail.outbox) for email in answers
                }
            clock.tick(timedelta(minutes=10))  # the next round starts more than an hour later
    emails_total = {email: sum(email in message.to for message in mail.outbox) for email in answers}
    same_answers = answers[person.email] == answers[unknown]
    kept = (
        all(count == 1 for count in emails_first_hour.values())
        and all(count == 2 for count in emails_total.values())
        and same_answers
    )
    report_figure(
        item=ITEM,
        measure=f"reset e-mails in 1 h for {requests_per_hour} requests (known / unknown address)",
        value=f"{emails_first_hour[person.email]} / {emails_first_hour[unknown]}, next hour "
        f"{emails_total[person.email] - emails_first_hour[person.email]} / "
        f"{emails_total[unknown] - emails_first_hour[unknown]}, answers "
        f"{'identical' if same_answers else 'DIFFER'}",
        target="1 per hour per address; same answer for known and unknown addresses",
        passed=kept,
    )
    assert emails_first_hour == {person.email: 1, unknown: 1}
    assert emails_total == {person.email: 2, unknown: 2}
    assert same_answers, answers


# --- sessions ----------------------------------------------------------------------------------


def _signed_in(client: Client) -> bool:
    return bool(client.get("/api/v1/me").status_code == 200)


def _log_in(client: Client, email: str) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("role", [SiteRole.STAFF, SiteRole.VOLUNTEER])
def test_sessions_end_on_the_server_after_the_idle_and_the_absolute_limit(
    role: str, report_figure: Callable[..., Any]
) -> None:
    person = UserFactory(site_role=role)
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    absolute = timedelta(hours=settings.SESSION_ABSOLUTE_HOURS)
    client = Client()
    with freeze_time(START) as clock:
        _log_in(client, person.email)
        clock.tick(idle - timedelta(minutes=1))
        alive_before_idle = _signed_in(client)
        clock.tick(idle + timedelta(minutes=1))
        ended_after_idle = not _signed_in(client)

        _log_in(client, person.email)
        started = datetime.now()  # noqa: DTZ005 (frozen, naive like START)
        busy_hours_alive = True
        while datetime.now() - started < absolute - idle / 2:  # noqa: DTZ005
            clock.tick(idle / 2)
            busy_hours_alive = busy_hours_alive and _signed_in(client)
        clock.tick(idle)  # past the absolute limit, though never idle for long
        ended_after_absolute = not _signed_in(client)

    kept = (
        settings.SESSION_IDLE_MINUTES <= 30
        and settings.SESSION_ABSOLUTE_HOURS <= 12
        and settings.SESSION_COOKIE_AGE <= settings.SESSION_ABSOLUTE_HOURS * 3600
        and alive_before_idle
        and ended_after_idle
        and busy_hours_alive
        and ended_after_absolute
    )
    report_figure(
        item=ITEM,
        measure=f"session limits ({role})",
        value=f"idle {settings.SESSION_IDLE_MINUTES} min (signed in at -1 min: "
        f"{alive_before_idle}, out at +1 min: {ended_after_idle}), absolute "
        f"{settings.SESSION_ABSOLUTE_HOURS} h (busy until then: {busy_hours_alive}, out after: "
        f"{ended_after_absolute})",
        target="≤ 30 min idle, ≤ 12 h absolute, enforced on the server (ASVS 3.3.2 L2)",
        passed=kept,
    )
    assert settings.SESSION_IDLE_MINUTES <= 30 and settings.SESSION_ABSOLUTE_HOURS <= 12
    assert settings.SESSION_COOKIE_AGE <= settings.SESSION_ABSOLUTE_HOURS * 3600
    assert alive_before_idle and busy_hours_alive
    assert ended_after_idle, "a session idle past the limit still works"
    assert ended_after_absolute, "a session past its absolute lifetime still works"


@pytest.mark.django_db
def test_log_in_rotates_the_session_key_and_log_out_ends_the_old_cookie(
    report_figure: Callable[..., Any],
) -> None:
    person = UserFactory(site_role=SiteRole.VOLUNTEER)
    cookie = settings.SESSION_COOKIE_NAME
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806
    planted = SessionStore()
    planted["planted"] = True
    planted.create()  # a session key an attacker could have given the victim's browser
    client = Client()
    client.cookies[cookie] = planted.session_key
    _log_in(client, person.email)
    signed_in_key = client.cookies[cookie].value
    rotated = signed_in_key != planted.session_key and not SessionStore().exists(
        str(planted.session_key)
    )
    planted_client = Client()
    planted_client.cookies[cookie] = planted.session_key
    fixation_refused = not _signed_in(planted_client)

    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies[cookie] = signed_in_key
    replay_refused = not _signed_in(replay)

    report_figure(
        item=ITEM,
        measure="session key at log-in; old cookie after log-out",
        value=f"rotated: {rotated and fixation_refused}, replay after log-out refused: "
        f"{replay_refused}",
        target="new key at log-in; the old cookie is refused after log-out",
        passed=rotated and fixation_refused and replay_refused,
    )
    assert rotated and fixation_refused, "the planted session key survived the log-in"
    assert replay_refused, "the cookie still works after log-out"


# --- bearer secrets are stored as hashes -------------------------------------------------------


def _secrets_of_every_kind(client: Client) -> dict[str, str]:
    """Make one of each bearer secret cslab hands out, through its service or page."""
    from cslab.accounts.services.api_tokens import api_token_create
    from cslab.hub.services.subscriptions import subscription_follow
    from cslab.openrosa.services.app_users import app_user_create
    from cslab.openrosa.services.device_passwords import device_password_create
    from tests.events.factories import make_event
    from tests.projects.factories import ProjectFactory

    person = UserFactory(site_role=SiteRole.VOLUNTEER)
    found: dict[str, str] = {}
    _token, found["personal API token"] = api_token_create(actor=person, user=person, name="cli")
    _device, found["device password"] = device_password_create(actor=person, name="phone")
    app_user = app_user_create(actor=None, project=ProjectFactory(), name="phone 1")
    found["app-user token"] = app_user.token
    subscription = subscription_follow(actor=person, query="q=bees")
    found["unsubscribe link"] = subscription.token
    mail.outbox.clear()
    from cslab.events.services.registrations import registration_create

    registration_create(actor=person, event=make_event())
    links = re.findall(r"/events/cancel/([^/\s]+)/", " ".join(m.body for m in mail.outbox))
    registration = person.event_registrations.get()
    found["event cancel link"] = links[0] if links else registration.token
    _log_in(client, person.email)
    found["session cookie"] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return found


def _tables_holding(made: dict[str, str]) -> tuple[int, dict[str, list[str]]]:
    """Scan every table's rows (as text) for each secret; return the table count and hits."""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = [row[0] for row in cursor.fetchall()]
        for kind, secret in made.items():
            for table in tables:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" AS r WHERE strpos(r::text, %s) > 0',  # noqa: S608
                    [secret],
                )
                if cursor.fetchone()[0]:
                    found.setdefault(kind, []).append(table)
    return len(tables), found


# Secrets in e-mailed links and app-user URLs are still stored as given (see the report of
# issue 18, item 7): the links are sent again later (reminders, weekly digests), and project
# leads are shown an app user's URL again, so each needs a design change, not just a hash.
OPEN_KINDS = ("app-user token", "unsubscribe link", "event cancel link")


@pytest.mark.django_db
@pytest.mark.parametrize("kinds", ["hashed", "open"])
def test_the_database_holds_no_bearer_secret_in_plain_text(
    kinds: str,
    report_figure: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
    request: pytest.FixtureRequest,
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("the scan of every table reads rows as text on PostgreSQL")
    if kinds == "open":
        request.applymarker(
            pytest.mark.xfail(
                strict=True, reason=f"stored as given, a design change each: {OPEN_KINDS}"
            )
        )
    with django_capture_on_commit_callbacks(execute=True):
        made = _secrets_of_every_kind(Client())
    made = {
        kind: secret for kind, secret in made.items() if (kind in OPEN_KINDS) == (kinds == "open")
    }
    table_count, found = _tables_holding(made)
    report_figure(
        item=ITEM,
        measure=f"bearer secrets in plain text, {kinds}: {', '.join(made)} ({table_count} tables)",
        value=str(len(found))
        + (
            " (" + "; ".join(f"{k} in {', '.join(v)}" for k, v in found.items()) + ")"
            if found
            else ""
        ),
        target="0: only hashes are stored",
        passed=not found,
    )
    assert not found, found


# --- check --deploy ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_check_deploy_is_clean_with_production_settings(
    tmp_path: Path, report_figure: Callable[..., Any]
) -> None:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cslab.settings.base",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "lab.example.org",
        "SITE_URL": "https://lab.example.org",
        "DEBUG": "false",
        "CSLAB_DEMO": "false",
        "CSLAB_HTTPS": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "CSLAB_VAR_DIR": str(tmp_path / "var"),
        "REDIS_URL": "",
        "LOG_JSON": "false",
    }
    completed = subprocess.run(  # our own command
        [str(cslab_executable()), "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = completed.stdout + completed.stderr
    issues = re.search(r"System check identified (\d+) issue", output)
    count = int(issues.group(1)) if issues else (0 if completed.returncode == 0 else -1)
    report_figure(
        item=ITEM,
        measure="`cslab check --deploy --fail-level WARNING` issues (HTTPS, strong key)",
        value=f"{count} (exit {completed.returncode})",
        target="0, exit 0",
        passed=completed.returncode == 0 and count == 0,
    )
    assert completed.returncode == 0 and count == 0, output[-3000:]


# --- security headers on every page ------------------------------------------------------------


def _https_settings() -> dict[str, Any]:
    """The settings settings/security.py makes when HTTPS is on (as in production)."""
    with mock.patch.dict(os.environ, {"CSLAB_HTTPS": "true"}):
        values = runpy.run_module("cslab.settings.security")
    return {name: value for name, value in values.items() if name.isupper()}


def _named_paths() -> list[str]:
    """The paths of the named routes that take no arguments."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern) and pattern.name and "<" not in route:
                if "(" in route or "^" in route or "\\" in route:
                    continue
                found.append("/" + (prefix + route).lstrip("/"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


SKIPPED = ("/accounts/logout/", "/static/", "/media/", "/admin/")
LINK = re.compile(rb'href="(/[^"#?]*)')


def _header_faults(response: Any) -> list[str]:
    csp = response.get("Content-Security-Policy", "")
    hsts = response.get("Strict-Transport-Security", "")
    faults = []
    if "object-src 'none'" not in csp:
        faults.append("CSP object-src")
    if "base-uri" not in csp:
        faults.append("CSP base-uri")
    if "frame-ancestors 'none'" not in csp:
        faults.append("CSP frame-ancestors")
    max_age = re.search(r"max-age=(\d+)", hsts)
    if not max_age or int(max_age.group(1)) < 31536000 or "includeSubDomains" not in hsts:
        faults.append("HSTS")
    if response.get("X-Content-Type-Options") != "nosniff":
        faults.append("nosniff")
    if not response.get("Referrer-Policy"):
        faults.append("Referrer-Policy")
    return faults


def _crawl(client: Client, start: list[str], limit: int) -> tuple[int, dict[str, list[str]]]:
    queue, seen, checked, faulty = list(start), set(start), 0, {}
    while queue and checked < limit:
        path = queue.pop(0)
        response = client.get(path, secure=True, HTTP_X_FORWARDED_PROTO="https")
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        checked += 1
        faults = _header_faults(response)
        if faults:
            faulty[path] = faults
        if response.status_code != 200:
            continue
        for link in LINK.findall(response.content):
            target = link.decode()
            if target not in seen and not target.startswith(SKIPPED):
                seen.add(target)
                queue.append(target)
    return checked, faulty


@pytest.mark.django_db
def test_every_page_carries_the_security_headers_and_cookie_flags(
    scale: Any, report_figure: Callable[..., Any]
) -> None:
    limit = scale.pick(short=50, full=400)
    with override_settings(**_https_settings()):
        start = ["/", *(path for path in _named_paths() if not path.startswith(SKIPPED))]
        anonymous_checked, anonymous_faulty = _crawl(Client(), start, limit)

        person = UserFactory(site_role=SiteRole.STAFF)
        client = Client()
        response = client.post(
            "/accounts/login/",
            {"login": person.email, "password": TEST_PASSWORD},
            secure=True,
            HTTP_X_FORWARDED_PROTO="https",
        )
        session_cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
        cookie_faults = []
        if session_cookie is None:
            cookie_faults.append("no session cookie at log-in")
        else:
            if not session_cookie["httponly"]:
                cookie_faults.append("HttpOnly")
            if not session_cookie["secure"]:
                cookie_faults.append("Secure")
            if str(session_cookie["samesite"]).lower() not in ("lax", "strict"):
                cookie_faults.append("SameSite")
        signed_in_checked, signed_in_faulty = _crawl(client, start, limit)

    checked = anonymous_checked + signed_in_checked
    faulty = {
        **{f"anonymous {k}": v for k, v in anonymous_faulty.items()},
        **{f"signed in {k}": v for k, v in signed_in_faulty.items()},
    }
    report_figure(
        item=ITEM,
        measure="HTML pages missing a security header (anonymous + signed in, HTTPS)",
        value=f"{len(faulty)} of {checked} pages; session cookie faults: "
        f"{', '.join(cookie_faults) or 'none'}",
        target="0 pages; cookie HttpOnly, Secure, SameSite",
        passed=not faulty and not cookie_faults and checked > 0,
    )
    assert checked >= min(limit, 20), f"only {checked} pages were reached"
    assert not cookie_faults, cookie_faults
    assert not faulty, dict(list(faulty.items())[:10])
