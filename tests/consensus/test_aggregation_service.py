"""The aggregation service: the job, stored results, incremental runs, disputes, gold, early
retirement with stored skills, and the API over the stored results."""

import json
from typing import Any

import pytest
from django.test import Client

from cslab.classification.assignment import Identity
from cslab.classification.models import Subject, WorkflowSubject
from cslab.classification.services.classifications import classification_submit, subject_decide
from cslab.consensus.labels import worker_key
from cslab.consensus.models import AggregationRun, ConsensusResult, WorkerSkill
from cslab.consensus.services.aggregation import (
    JOB_KIND,
    aggregation_run,
    aggregation_start,
    consensus_settings_update,
)
from cslab.core.errors import InvalidInputError, PermissionDeniedError
from cslab.core.models import Job
from tests.classification.helpers import SPECIES_TASK, make_workflow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXT_TASK = {"key": "T0", "kind": "text", "question": "Type the label"}


def _classify(workflow: Any, subject: Any, label: Any, person: Any = None) -> Any:
    person = person or UserFactory()
    classification_submit(
        identity=Identity(user=person), workflow=workflow, subject=subject, answers={"T0": label}
    )
    return person


def _results(workflow: Any) -> dict[str, ConsensusResult]:
    return {
        result.subject.external_id: result
        for result in ConsensusResult.objects.filter(workflow=workflow).select_related("subject")
    }


def test_the_job_stores_every_subject_with_the_probability_of_every_class(
    django_capture_on_commit_callbacks: Any,
) -> None:
    workflow, subjects, owner = make_workflow(subjects=4, retirement_count=10)
    people = [UserFactory() for _ in range(3)]
    answers = [("bee",) * 3, ("hoverfly",) * 3, ("butterfly",) * 3, ("bee", "bee", "hoverfly")]
    for subject, labels in zip(subjects, answers, strict=True):
        for person, label in zip(people, labels, strict=True):
            _classify(workflow, subject, label, person)
    with django_capture_on_commit_callbacks(execute=True):
        job = aggregation_start(actor=owner, workflow=workflow)
    job.refresh_from_db()
    assert (job.kind, job.status, job.progress) == (JOB_KIND, "succeeded", 100)
    run = AggregationRun.objects.get(job=job)
    assert (run.method, run.status, run.answers, run.workers) == ("dawid-skene", "succeeded", 12, 3)
    assert run.log_likelihood is not None and run.iterations >= 1
    assert job.result["results_written"] == 4
    results = _results(workflow)
    labels = [results[name].label for name in ("s0", "s1", "s2", "s3")]
    assert labels == ["bee", "hoverfly", "butterfly", "bee"]
    for result in results.values():
        assert list(result.probabilities) == ["bee", "hoverfly", "butterfly"]
        assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
        assert result.answer_count == 3 and result.run == run
    assert results["s3"].agreeing == 2
    skills = WorkerSkill.objects.filter(workflow=workflow)
    assert sorted(skills.values_list("worker", flat=True)) == sorted(
        worker_key(person.pk, "") for person in people
    )


def test_running_again_updates_the_same_rows_instead_of_adding_more() -> None:
    workflow, subjects, owner = make_workflow(subjects=2, retirement_count=10)
    _classify(workflow, subjects[0], "bee")
    aggregation_run(actor=owner, workflow=workflow, method="one-coin")
    aggregation_run(actor=owner, workflow=workflow, method="one-coin")
    assert ConsensusResult.objects.filter(workflow=workflow).count() == 1
    assert AggregationRun.objects.filter(workflow=workflow).count() == 2


def test_an_incremental_majority_run_touches_only_subjects_with_new_answers() -> None:
    workflow, subjects, owner = make_workflow(subjects=3, retirement_count=10)
    for subject in subjects:
        _classify(workflow, subject, "bee")
    first = aggregation_run(actor=owner, workflow=workflow, method="majority")
    assert not first.incremental and first.subjects_written == 3
    _classify(workflow, subjects[1], "hoverfly")
    second = aggregation_run(actor=owner, workflow=workflow, method="majority")
    assert second.incremental and second.subjects_aggregated == 1
    results = _results(workflow)
    assert results["s1"].run == second and results["s1"].answer_count == 2
    assert results["s0"].run == first and results["s2"].run == first
    nothing = aggregation_run(actor=owner, workflow=workflow, method="majority")
    assert nothing.incremental and nothing.subjects_aggregated == 0


@pytest.mark.parametrize("task", [SPECIES_TASK, TEXT_TASK], ids=["choice", "transcription"])
def test_a_subject_with_an_unanswered_classification_counts_as_unchanged_when_nothing_changed(
    task: dict[str, Any],
) -> None:
    optional = {**task, "required": False}
    workflow, subjects, owner = make_workflow(subjects=2, tasks=[optional], retirement_count=10)
    _classify(workflow, subjects[0], "bee")
    classification_submit(
        identity=Identity(user=UserFactory()), workflow=workflow, subject=subjects[0], answers={}
    )
    # A subject answered only by someone who left the task empty has no result at all.
    classification_submit(
        identity=Identity(user=UserFactory()), workflow=workflow, subject=subjects[1], answers={}
    )
    first = aggregation_run(actor=owner, workflow=workflow, method="majority")
    assert first.subjects_aggregated == 1 and _results(workflow)["s0"].answer_count == 1
    second = aggregation_run(actor=owner, workflow=workflow, method="majority")
    assert second.incremental and second.subjects_aggregated == 0


def test_iterative_methods_always_recompute_in_full() -> None:
    workflow, subjects, owner = make_workflow(subjects=2, retirement_count=10)
    _classify(workflow, subjects[0], "bee")
    aggregation_run(actor=owner, workflow=workflow)
    _classify(workflow, subjects[1], "bee")
    second = aggregation_run(actor=owner, workflow=workflow)
    assert not second.incremental and second.subjects_aggregated == 2
    assert {result.run for result in _results(workflow).values()} == {second}


def test_split_answers_are_disputed_and_clear_ones_are_not() -> None:
    workflow, subjects, owner = make_workflow(subjects=3, retirement_count=10)
    for label in ("bee", "hoverfly"):
        _classify(workflow, subjects[0], label)
    for label in ("bee", "bee", "bee"):
        _classify(workflow, subjects[1], label)
    _classify(workflow, subjects[2], "butterfly")
    run = aggregation_run(actor=owner, workflow=workflow, method="majority")
    results = _results(workflow)
    assert results["s0"].disputed and results["s0"].margin == pytest.approx(0.0)
    assert not results["s1"].disputed
    assert not results["s2"].disputed  # one answer: not enough to disagree
    assert run.disputed == 1


def test_the_disputed_list_also_catches_volunteers_splitting_under_a_confident_model() -> None:
    workflow, subjects, owner = make_workflow(subjects=1, retirement_count=20)
    for label in ("bee", "hoverfly", "butterfly", "bee", "hoverfly", "butterfly", "bee"):
        _classify(workflow, subjects[0], label)
    aggregation_run(actor=owner, workflow=workflow)
    result = _results(workflow)["s0"]
    assert result.agreeing * 2 <= result.answer_count
    assert result.disputed


def test_new_thresholds_reflag_the_stored_results() -> None:
    workflow, subjects, owner = make_workflow(subjects=1, retirement_count=10)
    for label in ("bee", "bee", "bee", "hoverfly"):
        _classify(workflow, subjects[0], label)
    aggregation_run(actor=owner, workflow=workflow, method="majority")
    assert not _results(workflow)["s0"].disputed  # margin 1/2, confidence and share 3/4
    consensus_settings_update(actor=owner, workflow=workflow, dispute_margin=0.6)
    assert _results(workflow)["s0"].disputed


def test_an_expert_decision_becomes_gold_and_changes_the_next_run() -> None:
    workflow, subjects, owner = make_workflow(subjects=3, retirement_count=10)
    careful, careless = UserFactory(), UserFactory()
    # Subject 0 decides who is right; subject 1 is a tie the weights will break.
    _classify(workflow, subjects[0], "bee", careful)
    _classify(workflow, subjects[0], "hoverfly", careless)
    _classify(workflow, subjects[1], "hoverfly", careful)
    _classify(workflow, subjects[1], "bee", careless)
    aggregation_run(actor=owner, workflow=workflow, method="majority")
    assert _results(workflow)["s1"].label == "bee"  # a tie goes to the class listed first
    subject_decide(actor=owner, workflow=workflow, subject=subjects[0], answers={"T0": "bee"})
    run = aggregation_run(actor=owner, workflow=workflow, method="weighted")
    results = _results(workflow)
    assert (results["s0"].label, results["s0"].confidence, results["s0"].gold_label) == (
        "bee",
        1.0,
        "bee",
    )
    assert not results["s0"].disputed
    assert results["s1"].label == "hoverfly"  # the careful volunteer now weighs more
    assert run.gold == 1


def test_gold_subjects_are_fixed_to_their_answer_whatever_the_volunteers_say() -> None:
    workflow, subjects, owner = make_workflow(subjects=2, gold=1)
    for _ in range(3):
        _classify(workflow, subjects[0], "hoverfly")
    aggregation_run(actor=owner, workflow=workflow)
    result = _results(workflow)["s0"]
    assert (result.label, result.probabilities["bee"], result.disputed) == ("bee", 1.0, False)


def test_early_retirement_weighs_answers_by_the_stored_skills() -> None:
    workflow, subjects, _owner = make_workflow(
        subjects=1,
        retirement_count=10,
        consensus_agreeing=2,
        consensus_confidence=0.95,
        gold_rate_newcomer=0,
        gold_rate_experienced=0,
    )
    experts, novice = [UserFactory(), UserFactory()], UserFactory()
    for person, skill in ((experts[0], 0.97), (experts[1], 0.97), (novice, 0.34)):
        WorkerSkill.objects.create(
            workflow=workflow,
            worker=worker_key(person.pk, ""),
            volunteer=person,
            method="dawid-skene",
            answers=20,
            skill=skill,
            computed_at="2026-01-01T00:00:00Z",
        )
    _classify(workflow, subjects[0], "hoverfly", novice)
    _classify(workflow, subjects[0], "bee", experts[0])
    state = WorkflowSubject.objects.get(workflow=workflow, subject=subjects[0])
    assert state.retired_at is None
    _classify(workflow, subjects[0], "bee", experts[1])
    state.refresh_from_db()
    # The vote share is 2/3, far below 0.95; the posterior with the experts' skill is not.
    assert state.retirement_reason == "consensus"


def test_transcriptions_are_aggregated_by_majority_with_each_subjects_own_classes() -> None:
    workflow, subjects, owner = make_workflow(subjects=1, tasks=[TEXT_TASK], retirement_count=10)
    for text in ("Salvia pratensis", "salvia  pratensis", "Salvia pratensis", "Salvia"):
        _classify(workflow, subjects[0], text)
    run = aggregation_run(actor=owner, workflow=workflow)
    assert run.method == "majority"
    result = _results(workflow)["s0"]
    assert result.label == "Salvia pratensis"
    assert result.probabilities == {"Salvia pratensis": 0.75, "Salvia": 0.25}
    with pytest.raises(InvalidInputError):
        aggregation_run(actor=owner, workflow=workflow, method="dawid-skene")


def test_a_result_without_answers_any_more_is_removed() -> None:
    workflow, subjects, owner = make_workflow(subjects=1, retirement_count=10)
    person = _classify(workflow, subjects[0], "bee")
    aggregation_run(actor=owner, workflow=workflow, method="majority")
    from cslab.classification.services.classifications import classification_undo

    classification_undo(identity=Identity(user=person), workflow=workflow)
    aggregation_run(actor=owner, workflow=workflow, method="majority")
    assert not ConsensusResult.objects.filter(workflow=workflow).exists()


def test_starting_while_a_job_waits_returns_that_job() -> None:
    workflow, _subjects, owner = make_workflow(subjects=1)
    waiting = Job.objects.create(
        kind=JOB_KIND, title="waiting", arguments={"workflow_id": workflow.pk}
    )
    assert aggregation_start(actor=owner, workflow=workflow) == waiting


def test_volunteers_may_not_start_an_aggregation() -> None:
    workflow, _subjects, _owner = make_workflow(subjects=1)
    with pytest.raises(PermissionDeniedError):
        aggregation_start(actor=UserFactory(), workflow=workflow)


def _api(workflow: Any) -> str:
    return f"/api/v1/projects/{workflow.project.slug}/workflows/{workflow.slug}/aggregation"


def test_the_api_starts_a_run_and_pages_through_results_and_lists(
    django_capture_on_commit_callbacks: Any,
) -> None:
    workflow, subjects, owner = make_workflow(subjects=3, retirement_count=2)
    for subject in subjects[:2]:
        _classify(workflow, subject, "bee")
        _classify(workflow, subject, "hoverfly" if subject == subjects[0] else "bee")
    client = Client()
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _api(workflow), json.dumps({"method": "majority"}), content_type="application/json"
        )
    assert response.status_code == 202, response.content
    assert response.json()["url"] == f"/api/v1/jobs/{response.json()['id']}"
    first = client.get(f"{_api(workflow)}/results?limit=1").json()
    assert [item["external_id"] for item in first["items"]] == ["s0"]
    second = client.get(f"{_api(workflow)}/results?limit=1&cursor={first['next_cursor']}").json()
    assert [item["external_id"] for item in second["items"]] == ["s1"]
    assert second["items"][0]["probabilities"] == {"bee": 1.0, "hoverfly": 0.0, "butterfly": 0.0}
    disputed = client.get(f"{_api(workflow)}/disputed").json()["items"]
    assert [item["subject_id"] for item in disputed] == [subjects[0].pk]
    retired = client.get(f"{_api(workflow)}/results?list=retired").json()["items"]
    assert {item["subject_id"] for item in retired} == {subjects[0].pk, subjects[1].pk}
    low = client.get(f"{_api(workflow)}/results?list=low-confidence").json()["items"]
    assert [item["subject_id"] for item in low] == [subjects[0].pk]
    runs = client.get(f"{_api(workflow)}/runs").json()["items"]
    assert runs[0]["method"] == "majority" and runs[0]["status"] == "succeeded"


def test_the_results_page_starts_the_job_and_the_job_page_shows_what_it_found(
    django_capture_on_commit_callbacks: Any,
) -> None:
    workflow, subjects, owner = make_workflow(subjects=1, retirement_count=5)
    _classify(workflow, subjects[0], "bee")
    client = Client()
    client.force_login(owner)
    page = f"/projects/{workflow.project.slug}/workflows/{workflow.slug}/"
    assert "not been aggregated yet" in client.get(f"{page}results/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{page}aggregation/", {"method": "majority"})
    assert response.status_code == 302
    job_page = client.get(response["Location"]).content.decode()
    assert "Succeeded" in job_page and "What the run found" in job_page
    results = client.get(f"{page}results/").content.decode()
    assert "Last run: Majority vote" in results
    assert Subject.objects.get(pk=subjects[0].pk).external_id in results
