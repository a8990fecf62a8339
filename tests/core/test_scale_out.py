"""cslab on several machines, in one: two web servers and two workers on one PostgreSQL and one
Redis (docs/scaling.md). Submissions and jobs spread over both, and none is lost or doubled.

Runs in the PostgreSQL run (`make test-pg`, CI) on that run's migrated test database; the
processes are the production ones (`cslab serve`: gunicorn; `cslab worker`: RQ).
"""

import http.client
import json
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from benchmarks.server import HOST, running_server, running_worker
from benchmarks.support import BENCH_DIR, cslab_executable, scratch_environment
from django.db import connection

from tests.collection.test_observations import ANSWERS, publish
from tests.conftest import skip_or_fail
from tests.projects.factories import ProjectFactory

# Redis database 13 is this test's; it is emptied before and after.
REDIS_URL = "redis://127.0.0.1:6379/13"
SUBMISSIONS = 24
JOBS = 16
WAIT_SECONDS = 40.0

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

ENQUEUE_EMAILS = """
import json, os
from cslab.core.tasks import send_email
ids = [
    send_email.enqueue(subject=f"Scale-out {number}", body="", to=["someone@example.org"]).id
    for number in range(int(os.environ["SCALE_OUT_JOBS"]))
]
print(json.dumps(ids))
"""


def _redis() -> Any:
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except (redis.RedisError, OSError):
        skip_or_fail("Redis is not reachable at 127.0.0.1:6379")
    return client


def _database_url() -> str:
    """The URL of the test run's database, which the other processes share."""
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def _environment(var_dir: Path) -> dict[str, str]:
    # Each process a machine of its own: its own var dir (static files, media, cache files),
    # with what machines must share set alike (database, Redis for jobs and cache, the secret
    # key behind public points).
    return scratch_environment(
        _database_url(),
        var_dir,
        REDIS_URL=REDIS_URL,
        SECRET_KEY="scale-out-test-secret-key-shared-by-every-machine-0123456789",
        WEB_CONCURRENCY="1",
        WEB_THREADS="2",
    )


def _cslab_shell(environment: dict[str, str], code: str, **variables: str) -> str:
    completed = subprocess.run(
        [str(cslab_executable()), "shell", "-c", code],
        env={**environment, **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip().splitlines()[-1]


def _post(port: int, path: str, token: str, payload: dict[str, Any]) -> int:
    client = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        client.request(
            "POST",
            path,
            body=json.dumps(payload),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = client.getresponse()
        response.read()
        return response.status
    finally:
        client.close()


def _record_django_rq_migrations() -> None:
    """With REDIS_URL, django_rq joins the apps, and a server refuses to start with migrations
    left to apply; the run's database was migrated without it. Its models are unmanaged (no
    table), so its migrations are only recorded, without starting a `cslab migrate`."""
    import django_rq
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    applied = recorder.applied_migrations()
    for migration in sorted((Path(django_rq.__file__).parent / "migrations").glob("0*.py")):
        if ("django_rq", migration.stem) not in applied:  # a reused test database has them
            recorder.record_applied("django_rq", migration.stem)


def _start_servers_side_by_side(stack: ExitStack, tmp_path: Path) -> list[int]:
    """Start two servers at once (each takes seconds to boot); the stack stops those that
    started, whether or not the other did."""
    servers = [
        # The JSON API renders no page: the static files are not needed, and collecting them
        # would be most of a server's start.
        running_server(
            _environment(tmp_path / name), tmp_path / f"{name}.log", "--no-collectstatic"
        )
        for name in ("server-a", "server-b")
    ]
    with ThreadPoolExecutor(max_workers=len(servers)) as pool:
        starting = [pool.submit(server.__enter__) for server in servers]
        wait(starting)
    for server, started in zip(servers, starting, strict=True):
        if started.exception() is None:
            stack.push(server)
    return [started.result() for started in starting]


def _finished(redis_client: Any, task_ids: list[str]) -> list[tuple[str, str]] | None:
    """Each job's RQ status and the worker that ran it (what django-tasks reports as the
    result's `worker_ids`), once every job has ended."""
    results = []
    for task_id in task_ids:
        status, worker = redis_client.hmget(f"rq:job:{task_id}", "status", "worker_name")
        results.append(((status or b"").decode(), (worker or b"").decode()))
    if all(status in {"finished", "failed"} for status, _worker in results):
        return results
    return None


def _wait_for(what: str, check: Any) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.5)
    pytest.fail(f"waited {WAIT_SECONDS:.0f} s for {what}")


def test_two_servers_and_two_workers_share_submissions_and_jobs_without_losing_or_doubling(
    tmp_path: Path,
) -> None:
    from cslab.accounts.services.api_tokens import api_token_create
    from cslab.observations.models import Observation
    from cslab.projects.models import Project

    redis_client = _redis()
    redis_client.flushdb()
    project = ProjectFactory(status=Project.Status.ACTIVE)
    publish(project)
    owner = project.initiator
    _token, token = api_token_create(actor=owner, user=owner, name="scale-out")
    path = f"/api/v1/projects/{project.slug}/forms/birds/submissions"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)  # the servers' working directory
    _record_django_rq_migrations()
    # With REDIS_URL, django_rq joins the apps; the run's database was migrated without it.
    try:
        with ExitStack() as stack:
            # The workers boot while the servers do.
            for name in ("worker-a", "worker-b"):
                stack.enter_context(
                    running_worker(_environment(tmp_path / name), tmp_path / f"{name}.log")
                )
            ports = _start_servers_side_by_side(stack, tmp_path)
            answered: Counter[int] = Counter()
            statuses: Counter[int] = Counter()
            for number in range(SUBMISSIONS):
                # Alternately to each server; every third is sent again to the other server, as
                # an app retries after a lost answer behind a load balancer.
                payload = {
                    "instance_id": f"uuid:scale-out-{number}",
                    "version": "1",
                    "answers": {**ANSWERS, "count": number},
                }
                port = ports[number % 2]
                statuses[_post(port, path, token, payload)] += 1
                answered[port] += 1
                if number % 3 == 0:
                    other = ports[(number + 1) % 2]
                    statuses[_post(other, path, token, payload)] += 1
                    answered[other] += 1

            # Jobs are enqueued once both workers wait on the queue, so that both may take some.
            _wait_for(
                "both workers to register with Redis",
                lambda: redis_client.scard("rq:workers") == 2,
            )
            shell = _environment(tmp_path / "shell")
            task_ids = json.loads(_cslab_shell(shell, ENQUEUE_EMAILS, SCALE_OUT_JOBS=str(JOBS)))
            results = _wait_for("the jobs to finish", lambda: _finished(redis_client, task_ids))
    finally:
        redis_client.flushdb()

    retried = len(range(0, SUBMISSIONS, 3))
    assert statuses == {201: SUBMISSIONS, 200: retried}  # retries answer with the stored row
    assert all(answered[port] > 0 for port in ports)
    stored = Counter(
        Observation.objects.filter(form__project=project).values_list("instance_id", flat=True)
    )
    assert sorted(stored) == sorted(f"uuid:scale-out-{number}" for number in range(SUBMISSIONS))
    assert set(stored.values()) == {1}
    assert [status for status, _worker in results] == ["finished"] * JOBS
    # Each job ran once, by one worker, and each of the two workers ran some.
    ran_by = Counter(worker for _status, worker in results)
    assert sum(ran_by.values()) == JOBS
    assert len(ran_by) == 2 and "" not in ran_by, ran_by
