"""Fixtures for the whole suite."""

import os
import shutil
from collections.abc import Callable
from typing import Any

import pytest

from cslab.core.roles import SiteRole
from tests.factories import UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave race tests out of a run on SQLite, which serialises writers; the PostgreSQL run
    (`make test-pg`, in CI) runs them."""
    from django.db import connection

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
