"""What operators watch: the health endpoint and the one log record per request."""

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils.module_loading import import_string

from cslab.core import health
from cslab.core.health import CheckResult

REQUEST_LOG_FIELDS = ("method", "path", "status", "duration_ms", "request_id")


@pytest.fixture
def request_log() -> Iterator[logging.Logger]:
    """Yield the request logger with INFO enabled, restoring its level afterwards."""
    logger = logging.getLogger("cslab.request")
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield logger
    finally:
        logger.setLevel(level)


def test_healthz_answers_200_with_the_database_and_task_checks(client: Client, db: Any) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["tasks"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_503_naming_the_failed_check_when_the_database_is_down(
    client: Client, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        health,
        "check_database",
        lambda: CheckResult("database", False, "OperationalError: connection refused"),
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {
        "ok": False,
        "detail": "OperationalError: connection refused",
    }
    assert body["checks"]["tasks"]["ok"] is True


def test_each_request_is_logged_once_with_its_outcome_and_the_echoed_request_id(
    client: Client, db: Any, caplog: pytest.LogCaptureFixture, request_log: logging.Logger
) -> None:
    with caplog.at_level(logging.INFO, logger="cslab.request"):
        response = client.get("/healthz")

    records = [record for record in caplog.records if record.name == "cslab.request"]
    assert len(records) == 1
    record = records[0]
    assert (record.method, record.path, record.status) == ("GET", "/healthz", 200)  # type: ignore[attr-defined]
    assert isinstance(record.duration_ms, float)  # type: ignore[attr-defined]
    assert record.duration_ms >= 0  # type: ignore[attr-defined]
    assert re.fullmatch(r"[0-9a-f]{32}", record.request_id)  # type: ignore[attr-defined]
    assert response["X-Request-ID"] == record.request_id  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [("edge-7f3a.2", True), ("not safe; <script>", False), ("x" * 65, False)],
    ids=["safe", "unsafe-characters", "too-long"],
)
def test_a_safe_incoming_request_id_is_kept_and_any_other_is_replaced(
    client: Client,
    db: Any,
    caplog: pytest.LogCaptureFixture,
    request_log: logging.Logger,
    incoming: str,
    kept: bool,
) -> None:
    with caplog.at_level(logging.INFO, logger="cslab.request"):
        response = client.get("/healthz", headers={"X-Request-ID": incoming})

    (record,) = [record for record in caplog.records if record.name == "cslab.request"]
    assert response["X-Request-ID"] == record.request_id  # type: ignore[attr-defined]
    assert (response["X-Request-ID"] == incoming) is kept


def test_with_the_json_formatter_a_request_is_one_parseable_line(
    client: Client, db: Any, request_log: logging.Logger
) -> None:
    logging_config: dict[str, Any] = settings.LOGGING
    formatter_config = dict(logging_config["formatters"]["json"])
    formatter = import_string(formatter_config.pop("()"))(**formatter_config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    request_log.addHandler(handler)
    try:
        response = client.get("/healthz?verbose=1")
    finally:
        request_log.removeHandler(handler)

    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["logger"] == "cslab.request"
    assert entry["level"] == "INFO"
    assert {field: entry[field] for field in ("method", "path", "status")} == {
        "method": "GET",
        "path": "/healthz",
        "status": 200,
    }
    assert isinstance(entry["duration_ms"], float)
    assert entry["request_id"] == response["X-Request-ID"]
