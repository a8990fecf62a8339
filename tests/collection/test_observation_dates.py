"""When an observation was made: the form's own date or date-and-time answer, not the moment a
web form or an app happened to send it (issue 11, item 9)."""

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cslab.core.roles import ProjectRole
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from cslab.observations.selectors import observation_public_view
from cslab.observations.services.observations import observation_submit
from cslab.projects.models import Project
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _publish(project: Project, day_type: str = "date") -> FormVersion:
    rows = [
        ["survey", "type", "name", "label"],
        ["", "integer", "bees", "Bees counted"],
        ["", day_type, "day", "Day"],
        ["settings", "form_id", "form_title", "version"],
        ["", "count", "Count", "1"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return form_publish_xlsform(
        actor=None, project=project, file_name="count.csv", content=buffer.getvalue().encode()
    )


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def observer(project: Project, make_user: Any) -> Any:
    person = make_user()
    MembershipFactory(project=project, user=person, role=ProjectRole.MEMBER)
    return person


def _submit(observer: Any, version: FormVersion, answers: dict[str, Any], **extra: Any) -> Any:
    observation, _created = observation_submit(
        actor=observer, form_version=version, instance_id="uuid:1", answers=answers, **extra
    )
    return observation


def test_a_day_answer_two_days_before_sending_is_the_day_observed(
    project: Project, observer: Any
) -> None:
    version = _publish(project)
    sent = datetime(2026, 12, 6, 9, 30, tzinfo=AMSTERDAM)  # what the web form sends: now

    observation = _submit(observer, version, {"bees": 3, "day": "2026-12-04"}, observed_at=sent)

    assert timezone.localtime(observation.observed_at, AMSTERDAM).date() == date(2026, 12, 4)
    assert observation.observed_day_only is True
    # Every page reads the view: it shows the day alone, not a made-up time of day.
    assert observation_public_view(observer, observation)["observed_at"] == date(2026, 12, 4)


def test_a_day_answer_on_the_day_of_sending_keeps_the_time_sent(
    project: Project, observer: Any
) -> None:
    version = _publish(project)
    sent = datetime(2026, 12, 4, 23, 30, tzinfo=AMSTERDAM)  # 22:30 UTC: the local day counts

    observation = _submit(observer, version, {"bees": 3, "day": "2026-12-04"}, observed_at=sent)

    assert observation.observed_at == sent
    assert observation.observed_day_only is False


def test_a_day_answer_sent_without_a_time_is_that_day_not_the_day_received(
    project: Project, observer: Any
) -> None:
    version = _publish(project)
    three_days_ago = timezone.localdate() - timedelta(days=3)

    observation = _submit(observer, version, {"bees": 3, "day": three_days_ago.isoformat()})

    assert timezone.localtime(observation.observed_at).date() == three_days_ago
    assert not [w for w in observation.warnings if w["code"] == "in_future"]


def test_a_date_and_time_answer_is_the_moment_observed(project: Project, observer: Any) -> None:
    version = _publish(project, day_type="dateTime")
    sent = datetime(2026, 12, 6, 9, 30, tzinfo=AMSTERDAM)

    observation = _submit(
        observer, version, {"bees": 3, "day": "2026-12-04T07:15:00+01:00"}, observed_at=sent
    )

    assert observation.observed_at == datetime(2026, 12, 4, 7, 15, tzinfo=AMSTERDAM)
    assert observation.observed_day_only is False


def test_without_a_day_answer_the_time_sent_is_kept(project: Project, observer: Any) -> None:
    version = _publish(project)
    sent = datetime(2026, 12, 6, 9, 30, tzinfo=AMSTERDAM)

    observation = _submit(observer, version, {"bees": 3}, observed_at=sent)

    assert observation.observed_at == sent


def test_the_observation_page_shows_the_day_answered(
    client: Any, project: Project, observer: Any
) -> None:
    version = _publish(project)
    observation = _submit(
        observer,
        version,
        {"bees": 3, "day": "2026-12-04"},
        observed_at=datetime(2026, 12, 6, 9, 30, tzinfo=AMSTERDAM),
    )
    client.force_login(observer)

    html = client.get(f"/projects/{project.slug}/observations/{observation.pk}/").content.decode()

    assert '<time datetime="2026-12-04">4 December 2026</time>' in html
    assert "6 December 2026" not in html


def test_date_answers_are_shown_in_the_one_day_format(
    client: Any, project: Project, observer: Any
) -> None:
    version = _publish(project)
    observation = _submit(observer, version, {"bees": 3, "day": "2026-11-20"})
    client.force_login(observer)

    html = client.get(f"/projects/{project.slug}/observations/{observation.pk}/").content.decode()

    assert "20 November 2026" in html and "2026-11-20</dd>" not in html


def test_observations_stored_with_the_time_sent_get_the_day_answered(
    project: Project, observer: Any
) -> None:
    from importlib import import_module

    from django.apps import apps

    from cslab.observations.models import Observation

    migration = import_module("cslab.observations.migrations.0003_observed_at_from_answers")
    version = _publish(project)
    answered = _submit(observer, version, {"bees": 3, "day": "2026-12-04"})
    sent = datetime(2026, 12, 6, 9, 30, tzinfo=AMSTERDAM)
    plain, _created = observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:2",
        answers={"bees": 1},
        observed_at=sent,
    )
    # As the old code stored it: the moment the web form sent it.
    Observation.objects.filter(pk=answered.pk).update(observed_at=sent, observed_day_only=False)

    migration.observed_at_from_answers(apps, None)

    answered.refresh_from_db()
    plain.refresh_from_db()
    assert timezone.localtime(answered.observed_at, AMSTERDAM).date() == date(2026, 12, 4)
    assert answered.observed_day_only is True
    assert plain.observed_at == sent
