"""The impact demo (issue 15, item 10): thirteen months of skewed participation in two public
projects, rich enough that every chart of their dashboards shows something real; loading it
twice adds nothing.

The checks run in `tests/core/test_demo.py`, on the demo that module loads twice (a load takes
a minute in CI; one pair of loads serves both): its `loaded_twice` fixture gives the counts below
after each run, and each check reads the database as the second run left it.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser

from cslab.accounts.models import User
from cslab.classification.models import ExpertDecision, SubjectComment
from cslab.consent.models import ConsentRecord
from cslab.core.models import AuditEvent
from cslab.impact.charts import charts_for_project
from cslab.impact.demo import (
    IMPACT_STATEMENTS,
    IMPORTS,
    PLANS,
    VOLUNTEERS,
    demo_import_dois,
    iter_demo_volunteer_emails,
    planned_observation_count,
)
from cslab.impact.models import (
    CellContribution,
    DailyContribution,
    HourlyContribution,
    ImpactStatement,
    Output,
    Participant,
)
from cslab.impact.selectors.figures import project_figures
from cslab.observations.models import Observation
from cslab.openrosa.models import AppUserSubmission
from cslab.projects.models import Project
from cslab.questions.models import Comment, Question

COUNTED: dict[str, Any] = {
    "people": User.objects,
    "observations": Observation.objects,
    "device submissions": AppUserSubmission.objects,
    "consent records": ConsentRecord.objects,
    "questions": Question.objects,
    "question comments": Comment.objects,
    "subject comments": SubjectComment.objects,
    "expert decisions": ExpertDecision.objects,
    "outputs": Output.objects,
    "impact statements": ImpactStatement.objects,
    "participants": Participant.objects,
    "daily roll-up rows": DailyContribution.objects,
    "hourly roll-up rows": HourlyContribution.objects,
    "cell roll-up rows": CellContribution.objects,
    "audit events": AuditEvent.objects,
}


def impact_counts() -> dict[str, int]:
    return {name: manager.count() for name, manager in COUNTED.items()}


def _project(key: str) -> Project:
    return Project.objects.get(origin="cslab-demo", external_id=key)


def test_loading_the_demo_twice_adds_no_impact_history_twice(
    loaded_twice: tuple[dict[str, int], dict[str, int]],
) -> None:
    first, second = loaded_twice
    assert second == first
    assert User.objects.filter(email__in=list(iter_demo_volunteer_emails())).count() == VOLUNTEERS


def test_each_project_has_its_planned_history(
    loaded_twice: tuple[dict[str, int], dict[str, int]],
) -> None:
    for plan in PLANS:
        generated = Observation.objects.filter(
            project=_project(plan.project), observer__email__startswith="volunteer-"
        ).count()
        assert generated >= planned_observation_count(plan) * 0.9, plan.project


def test_every_chart_of_the_pollinators_dashboard_has_data(
    loaded_twice: tuple[dict[str, int], dict[str, int]],
) -> None:
    figures = project_figures(user=AnonymousUser(), project=_project("pollinators"))
    charts = charts_for_project(figures)
    assert len(charts) >= 12
    for chart in charts:
        assert chart.rows, f"{chart.slug} has no data"
        assert any(
            isinstance(value, int | float) and value > 0 for row in chart.rows for value in row
        ), f"{chart.slug} has only zeros"
        assert chart.svg, f"{chart.slug} draws nothing"


def test_participation_is_skewed_as_in_real_projects(
    loaded_twice: tuple[dict[str, int], dict[str, int]],
) -> None:
    figures = project_figures(user=AnonymousUser(), project=_project("pollinators"))
    assert figures.participants > VOLUNTEERS
    assert figures.inequality.gini is not None and figures.inequality.gini > 0.4
    assert figures.inequality.top_10_percent_share is not None
    assert figures.inequality.top_10_percent_share > 0.3
    # Cohorts over more than a year, and people who came back.
    assert len(figures.retention.rows) > 20
    assert any(week.returning_participants for week in figures.weeks)
    # Observations of every moderation status, and a spread over the area.
    assert set(figures.quality.observations_by_status) >= {
        "accepted",
        "pending",
        "flagged",
        "rejected",
    }
    assert len(figures.space.cells) > 10
    assert all(figures.time.by_season)


def test_the_garden_phone_counts_as_one_participant(
    loaded_twice: tuple[dict[str, int], dict[str, int]],
) -> None:
    submissions = AppUserSubmission.objects.filter(
        observation__project=_project("pollinators")
    ).values_list("app_user_id", flat=True)
    assert submissions.count() >= 5
    devices = set(submissions)
    assert len(devices) == 1
    assert Participant.objects.filter(app_user_id__in=devices).count() == 1


def test_part_of_the_volunteers_consented_to_meta_research(
    loaded_twice: tuple[dict[str, int], dict[str, int]],
) -> None:
    records = ConsentRecord.objects.filter(
        project=_project("pollinators"), participant__email__startswith="volunteer-"
    )
    assert records.count() == VOLUNTEERS
    consenting = records.filter(meta_research=True).count()
    assert 0.4 * VOLUNTEERS < consenting < 0.8 * VOLUNTEERS


def test_outputs_are_imported_and_impacts_recorded_for_both_projects(
    loaded_twice: tuple[dict[str, int], dict[str, int]],
) -> None:
    for key, file_name, _format, _importer in IMPORTS:
        dois = demo_import_dois(file_name)
        assert dois
        assert Output.objects.filter(projects=_project(key), doi__in=dois).count() == len(dois)
        expected = sum(1 for statement in IMPACT_STATEMENTS if statement.project == key)
        assert ImpactStatement.objects.filter(project=_project(key)).count() == expected >= 2
