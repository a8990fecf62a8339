"""Retention: raw personal data past its period is removed by the daily job (GDPR Art. 5(1)(e))."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from cslab.core.models import AuditEvent, Job
from cslab.core.services.jobs import job_start
from cslab.events.models import Registration
from cslab.observations.models import Observation
from cslab.privacy.jobs import RETENTION_JOB_KIND
from cslab.privacy.models import PersonalDataExport
from cslab.privacy.services.retention import retention_apply
from cslab.projects.models import Project
from tests.collection.test_observations import publish
from tests.collection.test_observations import submit as observation_submit_for_test
from tests.events.factories import make_event, make_registration
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

RETENTION_DAYS = 90


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(
        status=Project.Status.ACTIVE, personal_data_retention_days=RETENTION_DAYS
    )
    return project


def submit(project: Project, instance_id: str, geoprivacy: str) -> Observation:
    version = project.forms.first().versions.first() if project.forms.exists() else publish(project)
    observation, _created = observation_submit_for_test(
        project.initiator, version, instance_id=instance_id, geoprivacy=geoprivacy
    )
    return Observation.objects.get(pk=observation.pk)


def past_retention() -> Any:
    return timezone.now() + timedelta(days=RETENTION_DAYS + 1)


def test_obscured_observations_past_retention_keep_only_their_public_location(
    project: Project,
) -> None:
    observation = submit(project, "uuid:obscured", "obscured")
    assert observation.latitude != observation.public_latitude

    retention_apply(now=past_retention())

    observation.refresh_from_db()
    assert (observation.latitude, observation.longitude) == (
        observation.public_latitude,
        observation.public_longitude,
    )
    assert observation.h3_res9 == observation.public_h3_res9
    assert observation.h3_res3 == observation.public_h3_res3
    assert observation.accuracy is None
    assert "location" not in observation.answers
    assert observation.answers["site"] == "Pond"


def test_private_observations_past_retention_lose_their_location_entirely(
    project: Project,
) -> None:
    observation = submit(project, "uuid:private", "private")

    retention_apply(now=past_retention())

    observation.refresh_from_db()
    assert observation.latitude is None and observation.longitude is None
    assert observation.h3_res9 == ""
    assert "location" not in observation.answers


def test_open_and_recent_observations_and_projects_without_a_period_are_left_alone(
    project: Project,
) -> None:
    open_observation = submit(project, "uuid:open", "open")
    recent = submit(project, "uuid:recent", "obscured")
    kept_forever = ProjectFactory(status=Project.Status.ACTIVE)
    elsewhere = submit(kept_forever, "uuid:elsewhere", "obscured")

    retention_apply(now=timezone.now() + timedelta(days=RETENTION_DAYS - 1))
    retention_apply(now=past_retention())  # only `recent` of the project falls under it now

    for observation in (open_observation, elsewhere):
        before = (observation.latitude, observation.accuracy, observation.answers)
        observation.refresh_from_db()
        assert (observation.latitude, observation.accuracy, observation.answers) == before
    recent.refresh_from_db()
    assert recent.latitude == recent.public_latitude


def test_registration_answers_are_cleared_once_the_event_ended_longer_ago_than_the_period(
    project: Project,
) -> None:
    ended = make_event(project=project, starts_at=timezone.now() - timedelta(days=5))
    upcoming = make_event(project=project)
    answers = {
        "dietary_needs": "vegan",
        "accessibility_needs": "step-free access",
        "organisation": "Bird Club",
        "contact_consent": True,
    }
    past = make_registration(event=ended, user=UserFactory(), **answers)
    future = make_registration(event=upcoming, user=UserFactory(), **answers)

    retention_apply(now=timezone.now() + timedelta(days=RETENTION_DAYS - 6))
    past.refresh_from_db()
    assert past.dietary_needs == "vegan"

    retention_apply(now=timezone.now() + timedelta(days=RETENTION_DAYS))

    past.refresh_from_db()
    future.refresh_from_db()
    assert (
        past.dietary_needs,
        past.accessibility_needs,
        past.organisation,
        past.contact_consent,
    ) == ("", "", "", False)
    assert future.dietary_needs == "vegan" and future.contact_consent


def test_each_run_writes_one_audit_entry_per_project_touched_with_counts_and_a_rerun_none(
    project: Project,
) -> None:
    submit(project, "uuid:a", "obscured")
    submit(project, "uuid:b", "private")
    now = past_retention()

    report = retention_apply(now=now)
    again = retention_apply(now=now)

    entries = AuditEvent.objects.filter(action="retention.applied", target_id=str(project.pk))
    assert entries.count() == 1
    assert entries.get().details["exact_locations"] == 2
    assert entries.get().details["location_answers"] == 2
    assert report.projects[project.slug]["exact_locations"] == 2
    assert again.projects == {}


def test_expired_export_files_and_personal_data_job_results_and_sessions_are_removed(
    tmp_path: Any, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path
    person = UserFactory()
    (tmp_path / "exports").mkdir()
    zip_file = tmp_path / "exports" / "old.zip"
    zip_file.write_bytes(b"PK personal data")
    now = timezone.now()
    expired = PersonalDataExport.objects.create(
        user=person,
        token_sha256="a" * 64,
        file_path="exports/old.zip",
        size_bytes=16,
        expires_at=now - timedelta(hours=1),
    )
    fresh_file = tmp_path / "exports" / "fresh.zip"
    fresh_file.write_bytes(b"PK")
    PersonalDataExport.objects.create(
        user=person,
        token_sha256="b" * 64,
        file_path="exports/fresh.zip",
        expires_at=now + timedelta(days=1),
    )
    old_job = Job.objects.create(
        kind="accounts.data_export",
        title="export",
        status=Job.Status.SUCCEEDED,
        result={"profile": {"email": person.email}},
        finished_at=now - timedelta(days=8),
    )
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=now)

    retention_apply(now=now + timedelta(minutes=1))

    expired.refresh_from_db()
    old_job.refresh_from_db()
    assert not zip_file.exists() and expired.file_path == ""
    assert fresh_file.exists()
    assert old_job.result is None
    assert not Session.objects.exists()


def test_an_export_file_outside_the_var_directory_is_never_removed(
    tmp_path: Any, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    outside = tmp_path / "keep.txt"
    outside.write_text("not ours")
    PersonalDataExport.objects.create(
        user=UserFactory(),
        token_sha256="c" * 64,
        file_path="../keep.txt",
        expires_at=timezone.now() - timedelta(days=1),
    )

    retention_apply(now=timezone.now())

    assert outside.exists()


def test_with_a_frozen_clock_the_job_and_the_command_leave_nothing_past_its_retention(
    project: Project, django_capture_on_commit_callbacks: Any
) -> None:
    with freeze_time(timezone.now() - timedelta(days=RETENTION_DAYS + 30)):
        for number in range(3):
            submit(project, f"uuid:old-{number}", "obscured")
        event = make_event(project=project, starts_at=timezone.now())
        make_registration(event=event, user=UserFactory(), dietary_needs="no nuts")
    submit(project, "uuid:new", "obscured")

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=None, kind=RETENTION_JOB_KIND, title="retention")
    output = StringIO()
    call_command("retention", stdout=output)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    cutoff = timezone.now() - timedelta(days=RETENTION_DAYS)
    past = Observation.objects.filter(project=project, created_at__lt=cutoff)
    assert past.count() == 3
    assert all(item.latitude == item.public_latitude for item in past)
    assert all(item.accuracy is None and "location" not in item.answers for item in past)
    assert not Registration.objects.exclude(dietary_needs="").exists()
    new = Observation.objects.get(instance_id="uuid:new")
    assert new.latitude != new.public_latitude
    assert '"sessions"' in output.getvalue()
