"""Configuration from the environment: mistakes stop `cslab` in one clear line, no traceback.

Every test runs the real `cslab` command with production settings in a subprocess, with a
scratch var directory and only the variables it states.
"""

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

CSLAB = str(Path(sys.executable).with_name("cslab"))
# Variables of the developer's shell that the subprocesses may keep; all others are dropped,
# so the test settings that pytest-django exported (DJANGO_SETTINGS_MODULE, SECRET_KEY …)
# cannot leak into a production-settings run.
# PYTHONPATH is kept so that a checkout run with PYTHONPATH=src tests its own code.
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
PRODUCTION_HOST = "cslab.example.org"
REQUEST_HEADERS = (
    "import json, sys; from django.test import Client; "
    f"response = Client().get('/healthz', secure=True, headers={{'host': '{PRODUCTION_HOST}'}}); "
    "sys.stdout.write(json.dumps({'status': response.status_code, **response.headers}))"
)


def cslab(var_dir: Path, *arguments: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run `cslab` with a scratch var dir, a scratch SQLite database and only `variables` set."""
    inherited = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
    environment = {
        **inherited,
        "CSLAB_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'cslab.sqlite3'}",
        "DEBUG": "false",
        "CSLAB_DEMO": "false",
        "SECRET_KEY": "",
        "REDIS_URL": "",
        **variables,
    }
    return subprocess.run(
        [CSLAB, *arguments],
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_fails_in_one_line(completed: subprocess.CompletedProcess[str]) -> str:
    assert completed.returncode != 0
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


@pytest.fixture
def production() -> dict[str, str]:
    """Return the variables of a production site: a strong secret, DEBUG and demo mode off."""
    # No punctuation: django-environ reads a value starting with "$" as a reference.
    alphabet = string.ascii_letters + string.digits
    return {
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
        "ALLOWED_HOSTS": PRODUCTION_HOST,
    }


@pytest.mark.parametrize("database_url", ["mysql://x/y", "foo://bar"])
def test_an_unsupported_database_url_stops_with_a_configuration_error(
    tmp_path: Path, database_url: str
) -> None:
    completed = cslab(tmp_path, "check", DATABASE_URL=database_url, CSLAB_DEMO="true")

    assert completed.returncode == 2
    line = assert_fails_in_one_line(completed)
    assert line.startswith("cslab: configuration error:")
    assert "DATABASE_URL" in line


def test_a_production_site_without_secret_key_stops_with_a_configuration_error(
    tmp_path: Path,
) -> None:
    completed = cslab(tmp_path, "check")

    assert completed.returncode == 2
    line = assert_fails_in_one_line(completed)
    assert line.startswith("cslab: configuration error:")
    assert "SECRET_KEY" in line
    assert not (tmp_path / "secret_key").exists()


def test_a_worker_that_cannot_reach_redis_stops_naming_redis(tmp_path: Path) -> None:
    completed = cslab(
        tmp_path, "worker", "--burst", CSLAB_DEMO="true", REDIS_URL="redis://127.0.0.1:1/0"
    )

    assert "Redis" in assert_fails_in_one_line(completed)


def test_demo_mode_generates_the_secret_key_once_and_keeps_it(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"

    first = cslab(tmp_path, "check", CSLAB_DEMO="true")
    assert first.returncode == 0, first.stderr
    generated = key_file.read_text()
    second = cslab(tmp_path, "check", CSLAB_DEMO="true")

    assert second.returncode == 0, second.stderr
    assert len(generated) >= 50
    assert key_file.read_text() == generated
    assert key_file.stat().st_mode & 0o077 == 0


def test_a_production_configuration_passes_the_deployment_checks_without_warnings(
    tmp_path: Path, production: dict[str, str]
) -> None:
    completed = cslab(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production)

    assert completed.returncode == 0, completed.stderr
    assert "WARNINGS" not in completed.stdout + completed.stderr


def test_a_production_response_carries_hsts_csp_and_referrer_policy(
    tmp_path: Path, production: dict[str, str]
) -> None:
    migrated = cslab(tmp_path, "migrate", "--noinput", "--verbosity", "0", **production)
    assert migrated.returncode == 0, migrated.stderr

    completed = cslab(
        tmp_path, "shell", "--verbosity", "0", "--command", REQUEST_HEADERS, **production
    )

    assert completed.returncode == 0, completed.stderr
    headers = json.loads(completed.stdout.strip().splitlines()[-1])
    assert headers["status"] == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_worker_on_a_database_that_was_never_migrated_says_to_migrate(tmp_path: Path) -> None:
    completed = cslab(tmp_path, "worker", "--burst", CSLAB_DEMO="true")
    line = assert_fails_in_one_line(completed)
    assert "unapplied migrations" in line and "cslab migrate" in line


def test_single_sign_on_is_switched_on_by_the_environment(tmp_path: Path) -> None:
    show = (
        "import sys; from django.conf import settings; "
        "apps = settings.SOCIALACCOUNT_PROVIDERS.get('openid_connect', {}).get('APPS', []); "
        "sys.stdout.write(','.join(app['name'] for app in apps))"
    )
    off = cslab(tmp_path, "shell", "-c", show, CSLAB_DEMO="true")
    on = cslab(
        tmp_path,
        "shell",
        "-c",
        show,
        CSLAB_DEMO="true",
        OIDC_SERVER_URL="https://login.university.example/realms/main",
        OIDC_CLIENT_ID="cslab",
        OIDC_CLIENT_SECRET="from-the-identity-provider",
        OIDC_PROVIDER_NAME="University login",
    )
    assert off.returncode == 0 and on.returncode == 0, off.stderr + on.stderr
    assert "University login" not in off.stdout
    assert on.stdout.strip().endswith("University login")


def test_media_go_to_an_s3_bucket_when_one_is_configured(tmp_path: Path) -> None:
    show = (
        "import sys; from django.core.files.storage import storages; "
        "storage = storages['default']; "
        "sys.stdout.write(type(storage).__name__ + ' ' + str(getattr(storage, 'bucket_name', '-')))"
    )
    local = cslab(tmp_path, "shell", "-c", show, CSLAB_DEMO="true")
    bucket = cslab(
        tmp_path,
        "shell",
        "-c",
        show,
        CSLAB_DEMO="true",
        AWS_STORAGE_BUCKET_NAME="cslab-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )
    assert local.stdout.strip().endswith("FileSystemStorage -"), local.stderr
    assert bucket.stdout.strip().endswith("S3Storage cslab-media"), bucket.stderr


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"MEDIA_DELIVERY": "nginx"}, "MEDIA_DELIVERY"),
        (
            {"MEDIA_DELIVERY": "x-accel-redirect", "AWS_STORAGE_BUCKET_NAME": "cslab-media"},
            "MEDIA_DELIVERY=stream",
        ),
    ],
    ids=["unknown-delivery", "web-server-delivery-with-a-bucket"],
)
def test_a_media_delivery_that_cannot_work_stops_with_a_configuration_error(
    tmp_path: Path, variables: dict[str, str], named: str
) -> None:
    completed = cslab(tmp_path, "check", CSLAB_DEMO="true", **variables)

    assert completed.returncode == 2
    line = assert_fails_in_one_line(completed)
    assert line.startswith("cslab: configuration error:")
    assert named in line
