"""A person's contribution figures: computed in one place, the same on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cslab.participants.selectors import contribution_counts, contribution_periods
from tests.factories import UserFactory
from tests.participants.helpers import Site

pytestmark = pytest.mark.django_db


def _contributions_of(person: Any, site: Site) -> None:
    site.observe(person)
    site.observe(person)
    site.classify(person, 0)
    site.classify(person, 1)
    site.classify(person, 2)
    question = site.ask(person)
    site.comment_on_question(person, question)
    site.comment_on_subject(person)


def _figures_in(html: str, label: str) -> int:
    found = re.search(rf"<dt>{re.escape(label)}</dt><dd>(\d+)</dd>", html)
    assert found, f"no figure {label!r}"
    return int(found.group(1))


def test_counts_cover_observations_classifications_questions_and_comments() -> None:
    person = UserFactory()
    site = Site()
    _contributions_of(person, site)
    _contributions_of(UserFactory(), site)

    assert contribution_counts(user=person) == {
        "observations": 2,
        "classifications": 3,
        "questions": 1,
        "comments": 2,
    }


def test_counts_for_one_project_leave_out_the_other_projects() -> None:
    person = UserFactory()
    here, elsewhere = Site(), Site()
    _contributions_of(person, here)
    elsewhere.observe(person)
    elsewhere.classify(person)

    assert contribution_counts(user=person, project=elsewhere.project) == {
        "observations": 1,
        "classifications": 1,
        "questions": 0,
        "comments": 0,
    }


def test_a_visitor_has_no_contributions(client: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert contribution_counts(user=AnonymousUser()) == dict.fromkeys(
        ["observations", "classifications", "questions", "comments"], 0
    )


def test_my_contributions_my_cslab_and_the_api_summary_show_the_same_figures(
    client: Any,
) -> None:
    person = UserFactory()
    site = Site()
    _contributions_of(person, site)
    client.force_login(person)

    contributions_page = client.get("/accounts/me/observations/").content.decode()
    home_page = client.get("/me/").content.decode()
    summary = client.get("/api/v1/me/summary").json()

    expected = contribution_counts(user=person)
    for key, label in (
        ("observations", "Observations"),
        ("classifications", "Classifications"),
        ("questions", "Questions proposed"),
        ("comments", "Comments"),
    ):
        assert _figures_in(contributions_page, label) == expected[key]
        assert _figures_in(home_page, label) == expected[key]
        assert summary["contributions"][key] == expected[key]


def test_periods_span_the_first_and_last_observation_or_classification_per_project() -> None:
    person = UserFactory()
    here, elsewhere = Site(), Site()
    first = here.observe(person)
    classification = here.classify(person)
    other = elsewhere.classify(person)
    UserFactory()  # someone else's contributions never widen mine
    here.observe(UserFactory())

    periods = contribution_periods(user=person)

    assert set(periods) == {here.project.pk, elsewhere.project.pk}
    assert periods[here.project.pk].first == first.created_at
    assert periods[here.project.pk].last == classification.created_at
    assert (
        periods[elsewhere.project.pk].first
        == other.created_at
        == periods[elsewhere.project.pk].last
    )
