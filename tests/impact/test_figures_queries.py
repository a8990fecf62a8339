"""The figures read a fixed number of queries, however many participants and days there are."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cslab.classification.models import Classification
from cslab.impact.figures import LabFilters
from cslab.impact.selectors.figures import lab_figures, project_figures
from cslab.impact.services.rollup import rollup_refresh
from tests.factories import UserFactory
from tests.participants.helpers import Site

pytestmark = pytest.mark.django_db


def _queries(site: Site, django_assert_max_num_queries: Any, people: int) -> None:
    for number in range(people):
        classification = site.classify(UserFactory(), subject_number=number % 6)
        Classification.objects.filter(pk=classification.pk).update(
            created_at=datetime(2026, 1 + number % 12, 1 + number % 27, 9, tzinfo=UTC)
        )
    rollup_refresh(projects=[site.project])
    viewer = UserFactory()
    with django_assert_max_num_queries(20):
        figures = project_figures(user=viewer, project=site.project)
    assert figures.participants == people
    with django_assert_max_num_queries(20):
        lab = lab_figures(user=viewer, filters=LabFilters())
    assert lab.participants == people


def test_the_figures_of_a_small_project_take_a_bounded_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    _queries(Site(with_form=False), django_assert_max_num_queries, 2)


def test_the_figures_of_a_bigger_project_take_no_more_queries(
    django_assert_max_num_queries: Any,
) -> None:
    _queries(Site(with_form=False), django_assert_max_num_queries, 24)
