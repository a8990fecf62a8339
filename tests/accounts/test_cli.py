"""`cslab user create` and `cslab token create`, for staff and scripts."""

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cslab.accounts.models import ApiToken, User
from cslab.accounts.models.api_token import hash_token
from cslab.core.roles import SiteRole

pytestmark = pytest.mark.django_db


def _run(*arguments: str, stdin: str = "") -> str:
    output = io.StringIO()
    sys_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*arguments, stdout=output)
    finally:
        sys.stdin = sys_stdin
    return output.getvalue()


def test_user_create_reads_the_password_from_standard_input() -> None:
    _run(
        "user",
        "create",
        "--email",
        "ingrid@example.org",
        "--password-stdin",
        "--staff",
        stdin="sunflower-fields-2026\n",
    )
    user = User.objects.get(email="ingrid@example.org")
    assert user.check_password("sunflower-fields-2026")
    assert user.site_role == SiteRole.STAFF and user.is_staff


def test_user_create_refuses_an_existing_address() -> None:
    _run("user", "create", "--email", "ingrid@example.org")
    with pytest.raises(CommandError, match="already exists"):
        _run("user", "create", "--email", "INGRID@example.org")


def test_token_create_prints_only_a_working_token(volunteer: Any) -> None:
    printed = _run("token", "create", "--user", volunteer.email, "--name", "nightly export")
    secret = printed.strip()
    assert printed == secret + "\n"
    token = ApiToken.objects.get(user=volunteer, name="nightly export")
    assert token.token_hash == hash_token(secret)


def test_token_create_for_an_unknown_person_fails_clearly() -> None:
    with pytest.raises(CommandError, match="no user with the e-mail address"):
        _run("token", "create", "--user", "nobody@example.org", "--name", "x")


def test_commands_honour_database_url_so_scripts_can_use_a_scratch_database(
    tmp_path: Path,
) -> None:
    cslab = str(Path(sys.executable).with_name("cslab"))
    database = tmp_path / "scratch.sqlite3"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CSLAB_DEMO": "true",
        "CSLAB_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "cslab.settings.base",
    }
    environment.pop("SECRET_KEY", None)

    def cslab_run(*arguments: str) -> str:
        completed = subprocess.run(
            [cslab, *arguments],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return completed.stdout

    cslab_run("migrate", "--noinput", "-v", "0")
    cslab_run("user", "create", "--email", "script@example.org")
    token = cslab_run("token", "create", "--user", "script@example.org", "--name", "ci").strip()

    import sqlite3

    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT token_hash FROM accounts_apitoken").fetchall()
    assert stored == [(hash_token(token),)]
    assert not User.objects.filter(email="script@example.org").exists()
