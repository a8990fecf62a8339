import importlib
from typing import Any

import pytest
from django.apps import apps as global_apps

from cslab.hub.models import QualityCriterion


@pytest.fixture
def default_checklist(db: Any) -> None:
    """The curators' default checklist, as migration 0002 stores it.

    Migrations' rows do not survive a transactional test's flush elsewhere in the run, so the
    tests that read the checklist put it back themselves (adding is idempotent).
    """
    migration = importlib.import_module("cslab.hub.migrations.0002_curation_default_criteria")
    if not QualityCriterion.objects.exists():
        migration.add_criteria(global_apps, None)
