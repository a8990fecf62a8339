"""Simulated ODK Collect devices for the reliability suite (items 1, 2 and 8 of issue 18).

A *device* has credentials of its own (an app user's server URL for OpenRosa; the project
owner's API token for the JSON API) and keeps a LEDGER: every observation it sent, every attempt
(status or error, time) and whether the server acknowledged it. Devices retry as ODK Collect
does: on a connection error, a timeout or a 5xx, with a growing pause, until a deadline. Some
observations are sent again after their acknowledgement (the answer was lost on the way), some
are abandoned by the client before the server's first reply (a client timeout shorter than the
request), and some go as 10 identical copies at the same moment (a `threading.Barrier`).

At the end `reconcile` compares the ledger with the database: per instance ID, how many rows
are stored; every acknowledged one must be there exactly once.

Only 127.0.0.1 is ever contacted, and every loop is bounded in count and time.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import random
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.server import HOST
from benchmarks.support import cslab_executable, percentile

FORM_ID = "storm"
BOUNDARY = "cslab-reliability-boundary"
BURST_COPIES = 10
# A client timeout far shorter than any submission takes: the attempt is abandoned before the
# server's first reply, which the server still finishes.
ABANDON_TIMEOUT = 0.005

# Run by `cslab shell -c` against the database under test: a staff owner, an active project
# with one published form (an integer, a text and a photo), an API token and one app user per
# device. Prints one JSON line.
SETUP_CODE = """
import json, os
from cslab.accounts.services.api_tokens import api_token_create
from cslab.accounts.services.users import user_create
from cslab.core.roles import SiteRole
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.services.projects import project_create

user = user_create(actor=None, email="storm@example.org", site_role=SiteRole.STAFF)
project = project_create(
    actor=None, owner=user, name="Retry storm", status="active", visibility="public"
)
version = form_publish_xlsform(
    actor=None,
    project=project,
    file_name="storm.xlsx",
    content=workbook_bytes({
        "survey": [
            {"type": "integer", "name": "count", "label": "Count"},
            {"type": "text", "name": "note", "label": "Note"},
            {"type": "image", "name": "photo", "label": "Photo"},
        ],
        "settings": [{"form_id": "storm", "form_title": "Storm", "version": "1"}],
    }),
)
_token, secret = api_token_create(actor=user, user=user, name="storm")
app_users = [
    app_user_create(actor=user, project=project, name=f"device {number}").token
    for number in range(int(os.environ["STORM_DEVICES"]))
]
print(json.dumps({
    "slug": project.slug, "version": version.version, "token": secret, "app_users": app_users,
}))
"""


@dataclass(frozen=True)
class Site:
    """What the devices need to know of the server's side: the project, form and credentials."""

    slug: str
    version: str
    token: str
    app_users: list[str]


def database_url() -> str:
    """The URL of the test run's database (pytest-django's), which the server shares."""
    from django.db import connection

    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def site_create(environment: dict[str, str], devices: int) -> Site:
    """Create the project, form, API token and `devices` app users in the database
    `environment` names (a `cslab shell` process, as an operator would)."""
    completed = subprocess.run(
        [str(cslab_executable()), "shell", "-c", SETUP_CODE],
        env={**environment, "STORM_DEVICES": str(devices)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    data = json.loads(completed.stdout.strip().splitlines()[-1])
    return Site(data["slug"], data["version"], data["token"], data["app_users"])


def small_jpeg() -> bytes:
    """A real JPEG of a few hundred bytes (the server decodes and re-encodes every photo)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (40, 120, 60)).save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


# What to send ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One observation a device will send, and how: `resends` times again after its
    acknowledgement, its first attempt abandoned before the reply (`abandon_first`), or as
    BURST_COPIES identical copies at once (`burst`)."""

    device: int
    instance_id: str
    channel: str  # "openrosa" or "json"
    photo: bool
    resends: int = 0
    abandon_first: bool = False
    burst: bool = False


def plan(
    count: int,
    devices: int,
    *,
    seed: int,
    retried: float = 0.2,
    bursts: float = 0.05,
    photos: float = 0.1,
    json_share: float = 0.2,
) -> list[Planned]:
    """`count` observations spread over `devices`: a share `retried` sent again 1-3 times (half
    of them after the acknowledgement, half abandoned before the first reply and then again
    1-3 times), a share `bursts` as 10 simultaneous copies; OpenRosa with a photo on a share
    `photos` of them, the rest of the share `json_share` through the JSON API."""
    rng = random.Random(seed)  # noqa: S311 - a test plan, not a secret
    planned = []
    for number in range(count):
        roll = rng.random()
        channel = "json" if rng.random() < json_share else "openrosa"
        planned.append(
            Planned(
                device=number % devices,
                instance_id=f"uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                channel=channel,
                photo=channel == "openrosa" and rng.random() < photos,
                resends=rng.randint(1, 3) if roll < retried else 0,
                abandon_first=roll < retried / 2,
                burst=retried <= roll < retried + bursts,
            )
        )
    return planned


# The ledger --------------------------------------------------------------------------------


@dataclass
class Attempt:
    started: float
    seconds: float
    status: int | None  # None: no answer (error or timeout)
    error: str = ""
    abandoned: bool = False  # the client's own short timeout, on purpose


@dataclass
class Entry:
    planned: Planned
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return any(attempt.status in (200, 201) for attempt in self.attempts)


class Ledger:
    """What every device sent and what the server answered; safe to use from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: dict[str, Entry] = {}
        self.acknowledged = 0

    def entry(self, planned: Planned) -> Entry:
        with self._lock:
            return self.entries.setdefault(planned.instance_id, Entry(planned))

    def record(self, entry: Entry, attempt: Attempt) -> None:
        with self._lock:
            first = not entry.acknowledged and attempt.status in (200, 201)
            entry.attempts.append(attempt)
            if first:
                self.acknowledged += 1

    def attempts(self) -> list[Attempt]:
        with self._lock:
            return [attempt for entry in self.entries.values() for attempt in entry.attempts]

    def statuses(self) -> Counter[str]:
        return Counter(
            "abandoned"
            if attempt.abandoned
            else str(attempt.status)
            if attempt.status is not None
            else attempt.error
            for attempt in self.attempts()
        )

    def latencies(self) -> list[float]:
        """Seconds of every attempt that got an answer (abandoned ones left out), ascending."""
        return sorted(
            attempt.seconds
            for attempt in self.attempts()
            if attempt.status is not None and not attempt.abandoned
        )

    def p95(self) -> float:
        return percentile(self.latencies(), 0.95)


# Sending -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """ODK Collect's way: retry on a connection error, a timeout or a 5xx, pausing longer each
    time (at most `longest_pause`), until `deadline` seconds after the first attempt."""

    timeout: float = 30.0
    deadline: float = 90.0
    first_pause: float = 0.2
    longest_pause: float = 4.0


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    headers: dict[str, str]


class Fleet:
    """The devices of one site on one server."""

    def __init__(self, site: Site, port: int, photo: bytes | None = None) -> None:
        self.site = site
        self.port = port
        self.photo = photo or small_jpeg()
        self.ledger = Ledger()

    def request(self, planned: Planned) -> Request:
        if planned.channel == "json":
            return Request(
                f"/api/v1/projects/{self.site.slug}/forms/{FORM_ID}/submissions",
                json.dumps(
                    {
                        "instance_id": planned.instance_id,
                        "version": self.site.version,
                        "answers": {"count": planned.device, "note": "storm"},
                    }
                ).encode(),
                {"Authorization": f"Bearer {self.site.token}", "Content-Type": "application/json"},
            )
        key = self.site.app_users[planned.device % len(self.site.app_users)]
        photo_name = f"{planned.instance_id[5:13]}.jpg"
        xml = (
            f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" '
            f'xmlns:orx="http://openrosa.org/xforms" id="{FORM_ID}" '
            f'version="{self.site.version}"><count>{planned.device}</count><note>storm</note>'
            f"<photo>{photo_name if planned.photo else ''}</photo>"
            f"<meta><instanceID>{planned.instance_id}</instanceID></meta></data>"
        )
        parts = [
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
            f'filename="submission.xml"\r\nContent-Type: text/xml\r\n\r\n{xml}\r\n'.encode()
        ]
        if planned.photo:
            parts.append(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{photo_name}"; '
                f'filename="{photo_name}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                + self.photo
                + b"\r\n"
            )
        parts.append(f"--{BOUNDARY}--\r\n".encode())
        return Request(
            f"/openrosa/key/{key}/{self.site.slug}/submission?deviceID=device{planned.device}",
            b"".join(parts),
            {
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "X-OpenRosa-Version": "1.0",
            },
        )

    def attempt(self, entry: Entry, timeout: float, abandoned: bool = False) -> Attempt:
        """One POST on a connection of its own; recorded in the ledger."""
        request = self.request(entry.planned)
        started = time.monotonic()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request("POST", request.path, body=request.body, headers=request.headers)
            response = connection.getresponse()
            response.read()
            attempt = Attempt(time.time(), time.monotonic() - started, response.status)
        except (OSError, http.client.HTTPException) as error:
            attempt = Attempt(
                time.time(),
                time.monotonic() - started,
                None,
                type(error).__name__,
                abandoned=abandoned,
            )
        finally:
            connection.close()
        self.ledger.record(entry, attempt)
        return attempt

    def send_until_answered(self, entry: Entry, policy: RetryPolicy) -> Attempt:
        """Send until a final answer (2xx or 4xx) or the policy's deadline."""
        deadline = time.monotonic() + policy.deadline
        pause = policy.first_pause
        while True:
            attempt = self.attempt(entry, policy.timeout)
            final = attempt.status is not None and attempt.status < 500
            if final or time.monotonic() + pause > deadline:
                return attempt
            time.sleep(pause)
            pause = min(pause * 2, policy.longest_pause)

    def send(self, planned: Planned, policy: RetryPolicy) -> None:
        """Send one planned observation with everything its plan says."""
        entry = self.ledger.entry(planned)
        if planned.burst:
            barrier = threading.Barrier(BURST_COPIES)

            def copy() -> None:
                barrier.wait(timeout=30)
                self.send_until_answered(entry, policy)

            with ThreadPoolExecutor(max_workers=BURST_COPIES) as copies:
                for future in [copies.submit(copy) for _ in range(BURST_COPIES)]:
                    future.result()
            return
        if planned.abandon_first:
            self.attempt(entry, ABANDON_TIMEOUT, abandoned=True)
        answer = self.send_until_answered(entry, policy)
        if answer.status not in (200, 201):
            return
        # The abandoned attempt's retry was the first resend.
        for _ in range(planned.resends - 1 if planned.abandon_first else planned.resends):
            self.send_until_answered(entry, policy)

    def run_closed(
        self,
        planned: list[Planned],
        *,
        clients: int,
        policy: RetryPolicy,
        time_limit: float,
    ) -> float:
        """Send everything with `clients` devices sending at the same time (each one
        observation after another, as a phone's queue does); return the seconds taken."""
        started = time.monotonic()
        cutoff = started + time_limit
        pending = iter(planned)
        lock = threading.Lock()

        def client() -> None:
            while time.monotonic() < cutoff:
                with lock:
                    item = next(pending, None)
                if item is None:
                    return
                self.send(item, policy)

        with ThreadPoolExecutor(max_workers=clients) as pool:
            for future in [pool.submit(client) for _ in range(clients)]:
                future.result()
        return time.monotonic() - started

    def run_open(
        self,
        planned: list[Planned],
        *,
        rate: float,
        policy: RetryPolicy,
        max_in_flight: int,
    ) -> tuple[float, list[float]]:
        """Start one observation every 1/`rate` s whatever the server's pace (open loop), with
        at most `max_in_flight` under way (more are counted late). Return the seconds taken
        and each observation's latency from its *scheduled* start to its final answer (so a
        server that falls behind shows it)."""
        started = time.monotonic()
        latencies: list[float] = []
        lock = threading.Lock()

        def one(item: Planned, scheduled: float) -> None:
            self.send(item, policy)
            with lock:
                latencies.append(time.monotonic() - scheduled)

        with ThreadPoolExecutor(max_workers=max_in_flight) as pool:
            for number, item in enumerate(planned):
                scheduled = started + number / rate
                delay = scheduled - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(one, item, scheduled)
        return time.monotonic() - started, sorted(latencies)


# Reconciling -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    sent: int
    acknowledged: int
    stored: int  # distinct instance IDs stored
    rows: int
    duplicates: int  # rows beyond the first per instance ID
    lost: int  # acknowledged but not stored
    unexpected: int  # stored but never sent by a device
    refused: Counter[str]  # final non-2xx answers, by status

    @property
    def summary(self) -> str:
        return (
            f"{self.rows} rows for {self.sent} sent ({self.acknowledged} acknowledged), "
            f"{self.duplicates} duplicates, {self.lost} lost, {self.unexpected} unexpected"
        )


def stored_counts(url: str, slug: str) -> Counter[str]:
    """Rows per instance ID of the project's observations, read straight from the database."""
    import psycopg

    with psycopg.connect(url, connect_timeout=10) as connection:
        rows = connection.execute(
            "SELECT o.instance_id, count(*) FROM collection_observation o "
            "JOIN projects_project p ON p.id = o.project_id WHERE p.slug = %s "
            "GROUP BY o.instance_id",
            [slug],
        ).fetchall()
    return Counter({instance_id: count for instance_id, count in rows})


def reconcile(ledger: Ledger, url: str, slug: str) -> Reconciliation:
    counts = stored_counts(url, slug)
    entries = list(ledger.entries.values())
    refused: Counter[str] = Counter()
    for entry in entries:
        if not entry.acknowledged and entry.attempts:
            last = entry.attempts[-1]
            refused[str(last.status) if last.status is not None else last.error] += 1
    return Reconciliation(
        sent=len(entries),
        acknowledged=sum(entry.acknowledged for entry in entries),
        stored=len(counts),
        rows=sum(counts.values()),
        duplicates=sum(count - 1 for count in counts.values() if count > 1),
        lost=sum(
            1 for entry in entries if entry.acknowledged and counts[entry.planned.instance_id] == 0
        ),
        unexpected=sum(1 for instance_id in counts if instance_id not in ledger.entries),
        refused=refused,
    )


# The server's processes --------------------------------------------------------------------


def _parent_pids() -> dict[int, int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and brackets; split after the last ")".
        fields = text[text.rfind(")") + 2 :].split()
        parents[int(stat.parent.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> list[int]:
    parents = _parent_pids()
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, of in parents.items() if of == parent]
        found += children
        frontier += children
    return found


def gunicorn_workers(serve_pid: int) -> list[int]:
    """The gunicorn workers under `cslab serve`: serve → gunicorn master → workers."""
    parents = _parent_pids()
    masters = [child for child, of in parents.items() if of == serve_pid]
    return sorted(child for child, of in parents.items() if of in masters)


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def kill_one_worker(serve_pid: int, rng: random.Random) -> int | None:
    workers = gunicorn_workers(serve_pid)
    if not workers:
        return None
    victim = rng.choice(workers)
    try:
        os.kill(victim, signal.SIGKILL)
    except ProcessLookupError:
        return None
    return victim


@contextmanager
def serving(
    environment: dict[str, str], log_path: Path, *options: str
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """`cslab serve` (gunicorn) on a free port of 127.0.0.1 in its own process group; yield
    the port and the `cslab serve` process (whose grandchildren are the workers)."""
    from benchmarks.server import running_server_process
    from benchmarks.support import BENCH_DIR

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with running_server_process(environment, log_path, *options) as served:
        yield served


def get_status(port: int, path: str, timeout: float = 5.0) -> int | None:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def wait_for(what: str, check: Callable[[], Any], seconds: float, pause: float = 0.25) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(pause)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")
