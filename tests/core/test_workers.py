"""Real workers run jobs from both task backends: the database queue and Redis (RQ).

The rest of the suite runs tasks immediately; these tests start `cslab worker --burst` in a
subprocess against a scratch database, as a deployment would.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import skip_or_fail

START_JOB = """
from cslab.accounts.services.users import user_create
from cslab.core.services.jobs import job_start
person = user_create(actor=None, email="worker-test@example.org")
arguments = {"user_id": person.pk}
job_start(actor=person, kind="accounts.data_export", title="Export", arguments=arguments)
"""
JOB_STATE = """
from cslab.core.models import Job
for job in Job.objects.all():
    print(job.status, job.progress, sorted(job.result or {}))
"""


def _cslab(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    cslab = str(Path(sys.executable).with_name("cslab"))
    return subprocess.run(
        [cslab, *arguments], env=environment, capture_output=True, text=True, timeout=180
    )


def _scratch_environment(tmp_path: Path, database: Path, **extra: str) -> dict[str, str]:
    """A site on `database`, a copy of the run's migrated SQLite file."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CSLAB_DEMO": "true",
        "CSLAB_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "cslab.settings.base",
        **extra,
    }
    environment.pop("SECRET_KEY", None)
    return environment


def _migrate_when_redis_adds_apps(environment: dict[str, str]) -> None:
    """With REDIS_URL, django_rq joins the apps; its migrations go onto the copied database."""
    if environment.get("REDIS_URL"):
        completed = _cslab(environment, "migrate", "--noinput", "-v", "0")
        assert completed.returncode == 0, completed.stderr


def _run_one_job(environment: dict[str, str]) -> str:
    _migrate_when_redis_adds_apps(environment)
    completed = _cslab(environment, "shell", "-c", START_JOB)
    assert completed.returncode == 0, completed.stderr
    worker = _cslab(environment, "worker", "--burst")
    assert worker.returncode == 0, worker.stderr
    state = _cslab(environment, "shell", "-c", JOB_STATE)
    return state.stdout.strip().splitlines()[-1]


def test_database_worker_runs_a_queued_job_to_the_end(
    tmp_path: Path, migrated_sqlite_file: Path
) -> None:
    line = _run_one_job(_scratch_environment(tmp_path, migrated_sqlite_file))
    assert line.startswith("succeeded 100")
    assert "'profile'" in line


def test_redis_worker_runs_a_queued_job_to_the_end(
    tmp_path: Path, migrated_sqlite_file: Path
) -> None:
    import redis

    # Database 15 is left to tests; it is emptied afterwards.
    url = "redis://127.0.0.1:6379/15"
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=2)
        connection.ping()
    except (redis.RedisError, OSError):
        skip_or_fail("Redis is not reachable at 127.0.0.1:6379")
    try:
        line = _run_one_job(_scratch_environment(tmp_path, migrated_sqlite_file, REDIS_URL=url))
    finally:
        connection.flushdb()
    assert line.startswith("succeeded 100")


DEFER_EMAIL = """
from datetime import timedelta
from django.utils import timezone
from cslab.core.tasks import send_email
send_email.using(run_after=timezone.now() + timedelta(seconds=1)).enqueue(
    subject="Deferred hello", body="Sent when due.", to=["someone@example.org"]
)
"""


def _run_a_deferred_task(environment: dict[str, str]) -> str:
    _migrate_when_redis_adds_apps(environment)
    completed = _cslab(environment, "shell", "-c", DEFER_EMAIL)
    assert completed.returncode == 0, completed.stderr
    time.sleep(1.5)
    worker = _cslab(environment, "worker", "--burst")
    assert worker.returncode == 0, worker.stderr
    return worker.stdout + worker.stderr


def test_database_worker_runs_a_deferred_task_once_it_is_due(
    tmp_path: Path, migrated_sqlite_file: Path
) -> None:
    output = _run_a_deferred_task(_scratch_environment(tmp_path, migrated_sqlite_file))
    assert "Subject: Deferred hello" in output


def test_redis_worker_runs_a_deferred_task_once_it_is_due(
    tmp_path: Path, migrated_sqlite_file: Path
) -> None:
    """Event reminders are deferred tasks (`run_after`): without RQ's scheduler they never ran."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=2)
        connection.ping()
    except (redis.RedisError, OSError):
        skip_or_fail("Redis is not reachable at 127.0.0.1:6379")
    try:
        output = _run_a_deferred_task(
            _scratch_environment(tmp_path, migrated_sqlite_file, REDIS_URL=url)
        )
    finally:
        connection.flushdb()
    assert "Subject: Deferred hello" in output
