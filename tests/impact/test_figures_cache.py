"""The computed figures are reused until the roll-ups change, and not a moment longer."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from cslab.impact.selectors.figures import project_figures
from cslab.impact.services.rollup import rollup_refresh
from tests.factories import UserFactory
from tests.participants.helpers import Site

pytestmark = pytest.mark.django_db


def test_new_contributions_show_after_a_refresh_though_figures_are_reused() -> None:
    cache.clear()
    site = Site(with_form=False)
    site.classify(UserFactory())
    rollup_refresh(projects=[site.project])
    viewer = UserFactory()
    assert project_figures(user=viewer, project=site.project).contributions == 1

    site.classify(UserFactory(), subject_number=1)
    # Not yet refreshed: the roll-ups, and so the figures, still say one.
    assert project_figures(user=viewer, project=site.project).contributions == 1
    rollup_refresh(projects=[site.project])

    assert project_figures(user=viewer, project=site.project).contributions == 2
