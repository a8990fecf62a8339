"""Fixtures for the whole suite."""

import os
import shutil
from collections.abc import Callable
from typing import Any

import pytest

from cslab.core.roles import SiteRole
from tests.factories import UserFactory

pytest_plugins = ["tests.migrated_sites"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


RELIABILITY_DIR = os.path.join(os.path.dirname(__file__), "reliability")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reliability",
        action="store_true",
        help="run the reliability suite in tests/reliability/ (make reliability), left out "
        "of the ordinary runs because it starts servers and drives them for minutes",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the reliability suite out unless asked for (`make reliability`), and race tests out
    of a run on SQLite, which serialises writers; the PostgreSQL run (`make test-pg`, in CI)
    runs them."""
    from django.db import connection

    reliability = [item for item in items if str(item.path).startswith(RELIABILITY_DIR)]
    if reliability and not config.getoption("--reliability"):
        config.hook.pytest_deselected(items=reliability)
        items[:] = [item for item in items if not str(item.path).startswith(RELIABILITY_DIR)]

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    deselected = [item for item in items if item.get_closest_marker("postgresql") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def skip_or_fail(reason: str) -> None:
    """Skip with a reason on a developer's machine; in CI a missing dependency is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    def make(**fields: Any) -> Any:
        return UserFactory(**fields)

    return make


@pytest.fixture
def volunteer(make_user: Callable[..., Any]) -> Any:
    return make_user(site_role=SiteRole.VOLUNTEER)


@pytest.fixture
def staff(make_user: Callable[..., Any]) -> Any:
    return make_user(site_role=SiteRole.STAFF)


@pytest.fixture
def trainer(make_user: Callable[..., Any]) -> Any:
    return make_user(site_role=SiteRole.TRAINER)


@pytest.fixture
def superuser(make_user: Callable[..., Any]) -> Any:
    return make_user(site_role=SiteRole.STAFF, is_superuser=True)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Start every test with an empty cache: log-in rate limits must not leak between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _every_form_definition_survives_storing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every form any test publishes (and every definition read from rows) loads back from its
    stored JSON as the same typed definition (issue 10 item 2)."""
    import json

    from cslab.forms.form_definition import FormDefinition

    read = FormDefinition.from_source.__func__  # type: ignore[attr-defined]

    def checked(cls: type[FormDefinition], source: Any) -> FormDefinition:
        definition: FormDefinition = read(cls, source)
        stored = json.loads(json.dumps(definition.to_json()))
        assert FormDefinition.from_json(stored) == definition
        return definition

    monkeypatch.setattr(FormDefinition, "from_source", classmethod(checked))


@pytest.fixture(scope="module")
def module_db(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One transaction around a whole test module, rolled back when the module ends.

    For data that is slow to build and that the module's tests read (the demo Lab): a
    module-scoped fixture that asks for this one loads it once, inside
    `django_db_blocker.unblock()`, and every test of the module sees it. Each test still runs in
    its own savepoint (`django_db`), so what one test writes is gone before the next one starts.
    While the module runs, every form definition read is checked to survive storing, as
    `_every_form_definition_survives_storing` checks it inside each test.
    """
    import json

    from django.db import connections, transaction

    from cslab.forms.form_definition import FormDefinition

    read = FormDefinition.from_source.__func__  # type: ignore[attr-defined]

    def checked(cls: type[FormDefinition], source: Any) -> FormDefinition:
        definition: FormDefinition = read(cls, source)
        stored = json.loads(json.dumps(definition.to_json()))
        assert FormDefinition.from_json(stored) == definition
        return definition

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FormDefinition, "from_source", classmethod(checked))
        with django_db_blocker.unblock():
            atomics = {alias: transaction.atomic(using=alias) for alias in connections}
            for atomic in atomics.values():
                atomic.__enter__()
        try:
            yield
        finally:
            with django_db_blocker.unblock():
                for alias, atomic in reversed(atomics.items()):
                    transaction.set_rollback(True, using=alias)
                    atomic.__exit__(None, None, None)
