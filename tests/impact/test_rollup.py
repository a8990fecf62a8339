"""The roll-ups: a refresh adds each contribution once, a rebuild agrees with refreshes, a
device is one participant, edits of observations are not counted twice."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum

from cslab.impact.models import (
    CellContribution,
    DailyContribution,
    HourlyContribution,
    Participant,
    RollupState,
)
from cslab.impact.services import rollup
from cslab.impact.services.rollup import rollup_rebuild, rollup_refresh
from cslab.observations.models import Observation
from tests.factories import UserFactory
from tests.participants.helpers import Site

pytestmark = pytest.mark.django_db


def _totals(project: Any) -> dict[str, int]:
    sums = DailyContribution.objects.filter(project=project).aggregate(
        observations=Sum("observations"),
        classifications=Sum("classifications"),
        questions=Sum("questions"),
        comments=Sum("comments"),
    )
    return {key: value or 0 for key, value in sums.items()}


def _snapshot(project: Any) -> tuple[Any, ...]:
    """The roll-ups of a project as comparable values (participants by person, not by id)."""
    daily = sorted(
        (
            row.day,
            row.participant.user_id if row.participant else None,
            row.participant.app_user_id if row.participant else None,
            row.observations,
            row.classifications,
            row.questions,
            row.comments,
        )
        for row in DailyContribution.objects.filter(project=project).select_related("participant")
    )
    hourly = sorted(
        HourlyContribution.objects.filter(project=project).values_list(
            "day", "hour", "contributions"
        )
    )
    cells = sorted(
        CellContribution.objects.filter(project=project).values_list("day", "cell", "observations")
    )
    return daily, hourly, cells


def _one_of_each(site: Site, person: Any) -> None:
    site.observe(person)
    site.classify(person)
    question = site.ask(person)
    site.comment_on_question(person, question)
    site.comment_on_subject(person)


def test_a_refresh_counts_each_kind_of_contribution_once() -> None:
    site = Site()
    person = UserFactory()
    _one_of_each(site, person)

    counts = rollup_refresh(projects=[site.project])

    assert counts["observations"] == 1
    assert counts["classifications"] == 1
    assert counts["questions"] == 1
    assert counts["question_comments"] == 1
    assert counts["subject_comments"] == 1
    assert _totals(site.project) == {
        "observations": 1,
        "classifications": 1,
        "questions": 1,
        "comments": 2,
    }
    row = DailyContribution.objects.get(project=site.project)
    assert row.participant is not None
    assert row.participant.user_id == person.pk
    assert (
        HourlyContribution.objects.filter(project=site.project).aggregate(
            total=Sum("contributions")
        )["total"]
        == 5
    )
    assert CellContribution.objects.filter(project=site.project).count() == 1


def test_a_second_refresh_adds_nothing() -> None:
    site = Site()
    _one_of_each(site, UserFactory())
    rollup_refresh(projects=[site.project])
    before = _snapshot(site.project)

    counts = rollup_refresh(projects=[site.project])

    assert sum(value for key, value in counts.items() if key != "projects") == 0
    assert _snapshot(site.project) == before


def test_a_refresh_after_new_contributions_adds_exactly_those() -> None:
    site = Site()
    person = UserFactory()
    site.observe(person)
    rollup_refresh(projects=[site.project])

    site.observe(person)
    site.classify(UserFactory())
    counts = rollup_refresh(projects=[site.project])

    assert counts["observations"] == 1
    assert counts["classifications"] == 1
    assert _totals(site.project)["observations"] == 2
    assert Participant.objects.filter(days__project=site.project).distinct().count() == 2


def test_contributions_to_another_project_do_not_count() -> None:
    site = Site()
    other = Site(with_form=False)
    other.classify(UserFactory())

    rollup_refresh(projects=[site.project])

    assert not DailyContribution.objects.filter(project=site.project).exists()


def test_an_edit_of_an_observation_is_not_counted_twice() -> None:
    site = Site()
    person = UserFactory()
    original = site.observe(person)
    rollup_refresh(projects=[site.project])
    edit = site.observe(person)
    Observation.objects.filter(pk=edit.pk).update(deprecates=original)

    rollup_refresh(projects=[site.project])
    assert _totals(site.project)["observations"] == 1
    rollup_rebuild(project=site.project)
    assert _totals(site.project)["observations"] == 1


def test_observations_sent_by_one_device_count_as_one_participant() -> None:
    site = Site()
    site.observe_by_device(UserFactory(), device_name="School phone")
    site.observe_by_device(UserFactory(), device_name="School phone")
    site.observe_by_device(UserFactory(), device_name="Other phone")

    rollup_refresh(projects=[site.project])

    rows = DailyContribution.objects.filter(project=site.project).select_related("participant")
    assert sorted(row.observations for row in rows) == [1, 2]
    assert all(row.participant and row.participant.app_user_id for row in rows)
    assert all(row.participant and row.participant.user_id is None for row in rows)


def test_anonymous_classifications_count_without_a_participant() -> None:
    site = Site(with_form=False)
    site.classify_anonymously("session-a")
    site.classify_anonymously("session-b", subject_number=1)

    rollup_refresh(projects=[site.project])

    row = DailyContribution.objects.get(project=site.project)
    assert row.participant is None
    assert row.classifications == 2


def test_an_observation_counts_at_the_local_hour_it_was_observed() -> None:
    site = Site()
    # 22:30 UTC on 1 July is 00:30 the next day in Amsterdam (summer time).
    site.observe(UserFactory(), observed_at=datetime(2026, 7, 1, 22, 30, tzinfo=UTC))

    rollup_refresh(projects=[site.project])

    hour = HourlyContribution.objects.get(project=site.project)
    assert (hour.day, hour.hour) == (date(2026, 7, 2), 0)
    assert CellContribution.objects.get(project=site.project).day == date(2026, 7, 2)


def test_a_rebuild_agrees_with_refreshes_on_random_data() -> None:
    generator = random.Random(15)  # noqa: S311 (test data, not secrets)
    site = Site()
    people = [UserFactory() for _ in range(4)]
    for round_number in range(3):
        for _ in range(generator.randint(1, 4)):
            action = generator.choice(["observe", "classify", "ask", "comment", "device"])
            person = generator.choice(people)
            if action == "observe":
                site.observe(person)
            elif action == "classify":
                subject = generator.randrange(len(site.subjects))
                if not site.workflow.classifications.filter(
                    subject=site.subjects[subject], volunteer=person
                ).exists():
                    site.classify(person, subject_number=subject)
            elif action == "ask":
                site.ask(person, text=f"Question {round_number}?")
            elif action == "comment":
                site.comment_on_subject(person, subject_number=generator.randrange(6))
            else:
                site.observe_by_device(person, device_name=generator.choice(["a", "b"]))
        rollup_refresh(projects=[site.project])
    refreshed = _snapshot(site.project)

    rollup_rebuild(project=site.project)

    assert _snapshot(site.project) == refreshed
    assert refreshed[0], "the random data made no contribution at all"


def test_a_refresh_in_small_batches_equals_one_in_a_large_batch(monkeypatch: Any) -> None:
    site = Site()
    for _ in range(5):
        site.observe(UserFactory())
    rollup_refresh(projects=[site.project])
    whole = _snapshot(site.project)
    monkeypatch.setattr(rollup, "BATCH_SIZE", 2)

    rollup_rebuild(project=site.project)

    assert _snapshot(site.project) == whole
    state = RollupState.objects.get(project=site.project)
    assert state.observations_through == Observation.objects.order_by("-pk").first().pk  # type: ignore[union-attr]


def test_a_rebuild_sets_the_watermarks_so_a_refresh_adds_nothing() -> None:
    site = Site()
    _one_of_each(site, UserFactory())

    rollup_rebuild(project=site.project)
    counts = rollup_refresh(projects=[site.project])

    assert sum(value for key, value in counts.items() if key != "projects") == 0
    state = RollupState.objects.get(project=site.project)
    assert state.rebuilt_at is not None
    assert _totals(site.project)["comments"] == 2


def test_the_command_refreshes_and_rebuilds(capsys: Any) -> None:
    site = Site()
    site.observe(UserFactory())

    call_command("impact_rollup")
    assert "1 observations" in capsys.readouterr().out
    call_command("impact_rollup", "--rebuild", "--project", site.project.slug)
    assert f"{site.project.slug}: rebuilt" in capsys.readouterr().out
    assert _totals(site.project)["observations"] == 1
