"""Background jobs: started by a person, run once by a worker, progress and result shown."""

import json
from typing import Any

import pytest

from cslab.accounts.jobs import DATA_EXPORT
from cslab.core.errors import InvalidInputError
from cslab.core.models import Job
from cslab.core.services import jobs as job_services
from cslab.core.services.jobs import job_kind, job_run, job_start

pytestmark = pytest.mark.django_db

progress_seen: list[tuple[int, str]] = []


@job_kind("tests.count_to")
def count_to(job: Job, report_progress: Any, *, limit: int) -> dict[str, int]:
    for number in range(1, limit + 1):
        report_progress(number * 100 // limit, f"{number} of {limit}")
        progress_seen.append(
            (Job.objects.get(pk=job.pk).progress, Job.objects.get(pk=job.pk).message)
        )
    return {"counted": limit}


@job_kind("tests.explode")
def explode(job: Job, report_progress: Any) -> None:
    report_progress(30, "about to fail")
    raise RuntimeError("the sensor file is truncated")


def test_job_runs_after_commit_and_stores_progress_and_result(
    volunteer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    progress_seen.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            actor=volunteer, kind="tests.count_to", title="Count", arguments={"limit": 4}
        )
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"counted": 4}
    assert job.progress == 100
    assert job.started_at is not None and job.finished_at is not None
    assert progress_seen == [(25, "1 of 4"), (50, "2 of 4"), (75, "3 of 4"), (100, "4 of 4")]


def test_failing_job_is_marked_failed_with_its_reason(
    volunteer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=volunteer, kind="tests.explode", title="Explode")

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "the sensor file is truncated" in job.message
    assert job.error.startswith("RuntimeError")
    assert job.finished_at is not None


def test_job_delivered_twice_runs_once(volunteer: Any) -> None:
    progress_seen.clear()
    job = job_start(actor=volunteer, kind="tests.count_to", title="Count", arguments={"limit": 2})

    assert job_run(job_id=job.pk) is not None
    assert job_run(job_id=job.pk) is None
    assert len(progress_seen) == 2


def test_unknown_job_kind_is_refused_before_anything_is_stored(volunteer: Any) -> None:
    with pytest.raises(InvalidInputError):
        job_start(actor=volunteer, kind="tests.nothing", title="Nothing")
    assert not Job.objects.exists()


def test_progress_is_clamped_to_zero_to_hundred(volunteer: Any) -> None:
    job = job_start(actor=volunteer, kind="tests.count_to", title="Count", arguments={"limit": 1})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job_services.job_report_progress(job_id=job.pk, percent=250, message="too far")
    assert Job.objects.get(pk=job.pk).progress == 100


def test_data_export_job_collects_the_persons_data(
    client: Any, volunteer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The account page's button now starts the zip export (tests/privacy); the JSON-document
    # job kind stays for API clients and jobs already queued.
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        job_start(
            actor=volunteer, kind=DATA_EXPORT, title="Export", arguments={"user_id": volunteer.pk}
        )
    job = Job.objects.get(kind=DATA_EXPORT)

    result = client.get(f"/jobs/{job.pk}/result.json")
    data = json.loads(result.content)
    assert data["profile"]["email"] == volunteer.email
    assert data["email_addresses"][0]["verified"] is True
    assert "job.started" in [event["action"] for event in data["audit_events"]]
    assert "attachment" in result["Content-Disposition"]


def test_job_page_polls_with_htmx_until_the_job_is_finished(client: Any, volunteer: Any) -> None:
    job = job_start(actor=volunteer, kind="tests.count_to", title="Count", arguments={"limit": 1})
    client.force_login(volunteer)

    queued = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in queued.content
    assert b"<html" not in queued.content  # only the status fragment is swapped in

    job_run(job_id=job.pk)
    finished = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert b"hx-trigger" not in finished.content
    assert b"result.json" in finished.content


def test_job_api_shows_status_and_progress_to_its_starter(client: Any, volunteer: Any) -> None:
    job = job_start(actor=volunteer, kind="tests.count_to", title="Count", arguments={"limit": 2})
    client.force_login(volunteer)

    body = client.get(f"/api/v1/jobs/{job.pk}").json()

    assert body["status"] == "queued" and body["progress"] == 0 and body["title"] == "Count"


def test_data_export_has_a_section_from_every_area_with_the_persons_own_data(
    volunteer: Any, make_user: Any
) -> None:
    from cslab.accounts.jobs import export_personal_data
    from cslab.projects.services.projects import project_create
    from cslab.questions.services.questions import question_propose

    project_create(actor=volunteer, name="My bee count")
    question_propose(actor=volunteer, text="Why do bees like lavender?", why_it_matters="Curious.")
    other = make_user()
    question_propose(actor=other, text="Someone else's question?", why_it_matters="Theirs.")
    job = job_start(
        actor=volunteer, kind=DATA_EXPORT, title="Export", arguments={"user_id": volunteer.pk}
    )

    document = export_personal_data(job, lambda percent, message: None, user_id=volunteer.pk)

    assert {"profile", "projects", "questions", "notifications"} <= set(document)
    assert document["projects"]["team_memberships"][0]["role"] == "owner"
    assert [q["question"] for q in document["questions"]["proposed"]] == [
        "Why do bees like lavender?"
    ]


def test_staff_get_404_on_someone_elses_job_result(
    client: Any, volunteer: Any, make_user: Any
) -> None:
    job = job_start(
        actor=volunteer, kind=DATA_EXPORT, title="Export", arguments={"user_id": volunteer.pk}
    )
    job_run(job_id=job.pk)
    client.force_login(make_user(site_role="staff"))

    assert client.get(f"/jobs/{job.pk}/result.json").status_code == 404
    # Staff still follow the job's progress, without what it produced.
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and b"result.json" not in page.content
    body = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "succeeded" and body["result"] is None


def test_the_starter_reads_their_own_job_result_through_the_api(
    client: Any, volunteer: Any
) -> None:
    job = job_start(actor=volunteer, kind="tests.count_to", title="Count", arguments={"limit": 1})
    job_run(job_id=job.pk)
    client.force_login(volunteer)
    assert client.get(f"/api/v1/jobs/{job.pk}").json()["result"] == {"counted": 1}
