"""Health checks of the services cslab depends on: the database and the task backend."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return CheckResult("database", False, f"{type(error).__name__}: {error}")
    return CheckResult("database", True, connection.vendor)


def check_task_backend() -> CheckResult:
    backend_path = str(settings.TASKS["default"]["BACKEND"])
    try:
        if backend_path.startswith("django_tasks_rq"):
            import django_rq

            django_rq.get_connection("default").ping()
        elif backend_path.startswith("django_tasks_db"):
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.only("id").first()
    except Exception as error:
        return CheckResult("tasks", False, f"{type(error).__name__}: {error}")
    return CheckResult("tasks", True, backend_path.rsplit(".", 1)[-1])


def check_all() -> list[CheckResult]:
    return [check_database(), check_task_backend()]
