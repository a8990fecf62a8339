"""A project's and the Lab's figures from the roll-ups: who may see them, what the period
changes, and that erased people's contributions keep counting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from cslab.classification.models import Classification
from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.personal_data import ErasureScope
from cslab.impact.erasure import erase_impact
from cslab.impact.figures import LabFilters, Period
from cslab.impact.models import DailyContribution, ImpactStatement, Participant
from cslab.impact.selectors.figures import lab_figures, project_figures, project_get_for_impact
from cslab.impact.services.rollup import rollup_rebuild, rollup_refresh
from cslab.projects.models import Project
from tests.factories import UserFactory
from tests.impact.factories import ImpactStatementFactory, OutputFactory
from tests.participants.helpers import Site
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _classify_on(site: Site, person: Any, subject_number: int, day: date) -> Classification:
    classification = site.classify(person, subject_number=subject_number)
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    Classification.objects.filter(pk=classification.pk).update(created_at=moment)
    return classification


@pytest.fixture
def site() -> Site:
    """Three volunteers: one made three classifications over two weeks, two made one each."""
    site = Site(with_form=False)
    keen, casual, late = UserFactory(), UserFactory(), UserFactory()
    _classify_on(site, keen, 0, date(2026, 3, 2))
    _classify_on(site, keen, 1, date(2026, 3, 3))
    _classify_on(site, keen, 2, date(2026, 3, 10))
    _classify_on(site, casual, 0, date(2026, 3, 3))
    _classify_on(site, late, 0, date(2026, 3, 11))
    rollup_refresh(projects=[site.project])
    return site


def test_a_projects_figures_count_participants_and_contributions(site: Site) -> None:
    figures = project_figures(user=UserFactory(), project=site.project)

    assert figures.participants == 3
    assert figures.contributions == 5
    assert figures.contributions_by_kind["classification"] == 5
    assert figures.inequality.gini is not None
    assert figures.inequality.gini > 0
    assert [week.week_start for week in figures.weeks] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert [week.new_participants for week in figures.weeks] == [2, 1]
    assert [week.returning_participants for week in figures.weeks] == [0, 1]
    assert figures.retention.rows[0].retained[:2] == [2, 1]
    assert figures.as_of is not None


def test_the_period_limits_the_figures_but_first_days_stay_those_ever(site: Site) -> None:
    figures = project_figures(
        user=UserFactory(), project=site.project, period=Period(start=date(2026, 3, 9))
    )

    assert figures.participants == 2
    assert figures.contributions == 2
    assert [week.new_participants for week in figures.weeks] == [1]
    assert [week.returning_participants for week in figures.weeks] == [1]
    # Only the volunteer who joined in the period makes a cohort.
    assert [row.size for row in figures.retention.rows] == [1]


def test_a_period_that_ends_before_it_starts_is_refused(site: Site) -> None:
    with pytest.raises(InvalidInputError):
        project_figures(
            user=UserFactory(),
            project=site.project,
            period=Period(start=date(2026, 3, 9), end=date(2026, 3, 1)),
        )


def test_monthly_cohorts_are_offered_and_other_granularities_refused(site: Site) -> None:
    figures = project_figures(user=UserFactory(), project=site.project, granularity="month")
    assert figures.retention.granularity == "month"
    with pytest.raises(InvalidInputError):
        project_figures(user=UserFactory(), project=site.project, granularity="day")


def test_a_private_projects_figures_are_hidden_from_outsiders_but_not_its_team() -> None:
    project = ProjectFactory(status=Project.Status.ACTIVE)
    member = UserFactory()
    MembershipFactory(project=project, user=member)

    with pytest.raises(NotFoundError):
        project_get_for_impact(user=UserFactory(), slug=project.slug)
    with pytest.raises(NotFoundError):
        project_figures(user=UserFactory(), project=project)
    assert project_get_for_impact(user=member, slug=project.slug) == project
    assert project_figures(user=member, project=project).participants == 0


def test_a_public_projects_figures_are_for_anonymous_visitors(site: Site) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert project_get_for_impact(user=AnonymousUser(), slug=site.project.slug) == site.project


def test_an_erased_persons_contributions_keep_counting_without_a_link(site: Site) -> None:
    keen = Classification.objects.filter(workflow=site.workflow).first().volunteer  # type: ignore[union-attr]
    before = project_figures(user=UserFactory(), project=site.project)

    erase_impact(ErasureScope(user=keen, pseudonym_user=keen))

    assert not Participant.objects.filter(user=keen).exists()
    after = project_figures(user=UserFactory(), project=site.project)
    assert (after.participants, after.contributions) == (before.participants, before.contributions)
    assert DailyContribution.objects.filter(
        project=site.project, participant__user__isnull=True, participant__app_user__isnull=True
    ).exists()


def test_a_withdrawal_from_one_project_moves_its_rows_to_the_pseudonym(site: Site) -> None:
    keen = Classification.objects.filter(workflow=site.workflow).first().volunteer  # type: ignore[union-attr]
    stand_in = UserFactory()
    Classification.objects.filter(volunteer=keen).update(volunteer=stand_in)

    erase_impact(ErasureScope(user=keen, pseudonym_user=stand_in, project=site.project))

    assert not DailyContribution.objects.filter(participant__user=keen).exists()
    moved = DailyContribution.objects.filter(project=site.project, participant__user=stand_in)
    assert sum(row.classifications for row in moved) == 3
    rollup_rebuild(project=site.project)
    rebuilt = DailyContribution.objects.filter(project=site.project, participant__user=stand_in)
    assert sum(row.classifications for row in rebuilt) == 3


def test_erasure_blanks_who_recorded_outputs_and_statements() -> None:
    person = UserFactory()
    output = OutputFactory(created_by=person)
    statement = ImpactStatementFactory(created_by=person)

    erase_impact(ErasureScope(user=person, pseudonym_user=person))

    output.refresh_from_db()
    assert output.created_by is None
    assert ImpactStatement.objects.get(pk=statement.pk).created_by is None


def test_the_lab_shows_public_projects_and_ones_own_team_only(site: Site) -> None:
    private = ProjectFactory(status=Project.Status.ACTIVE, name="Hidden garden")
    member = UserFactory()
    MembershipFactory(project=private, user=member)
    OutputFactory(projects=[site.project])

    seen_by_outsider = lab_figures(user=UserFactory(), filters=LabFilters())
    seen_by_member = lab_figures(user=member, filters=LabFilters())

    outsider_slugs = {row.project_slug for row in seen_by_outsider.projects}
    assert site.project.slug in outsider_slugs
    assert private.slug not in outsider_slugs
    assert private.slug in {row.project_slug for row in seen_by_member.projects}
    row = next(row for row in seen_by_outsider.projects if row.project_slug == site.project.slug)
    assert (row.participants, row.contributions, row.outputs) == (3, 5, 1)
    assert seen_by_outsider.participants == 3


def test_the_lab_filters_by_faculty(site: Site) -> None:
    Project.objects.filter(pk=site.project.pk).update(faculty="science")
    ProjectFactory(public=True, faculty="law")

    figures = lab_figures(user=UserFactory(), filters=LabFilters(faculty="law"))

    assert site.project.slug not in {row.project_slug for row in figures.projects}
    assert figures.contributions == 0
