"""Exports (flat CSV, marks CSV, results with every class probability) and the pages."""

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from cslab.classification.assignment import Identity
from cslab.classification.models import Workflow
from cslab.classification.services.classifications import classification_submit
from cslab.classification.services.talk import hashtags_in, subject_comment_post
from cslab.consensus.services.aggregation import aggregation_run
from cslab.projects.models import Project
from cslab.projects.vocabulary import DataLicence
from tests.classification.helpers import SPECIES_TASK, make_workflow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MARKING_TASK = {
    "key": "T1",
    "kind": "point",
    "question": "Mark the insects",
    "tools": [{"value": "insect", "label": "Insect"}],
}


def _download(client: Client, workflow: Workflow, name: str) -> str:
    response = client.get(
        f"/projects/{workflow.project.slug}/workflows/{workflow.slug}/export/{name}"
    )
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]


def test_exports_are_flat_with_marks_apart_and_every_class_probability() -> None:
    workflow, subjects, owner = make_workflow(subjects=2, tasks=[SPECIES_TASK, MARKING_TASK])
    answers = [("bee", [{"tool": "insect", "x": 0.5, "y": 0.5}]), ("=cmd", [])]
    for label, marks in answers[:1]:
        classification_submit(
            identity=Identity(user=UserFactory()),
            workflow=workflow,
            subject=subjects[0],
            answers={"T0": label, "T1": marks},
        )
    classification_submit(
        identity=Identity(user=UserFactory()),
        workflow=workflow,
        subject=subjects[0],
        answers={"T0": "hoverfly"},
    )
    aggregation_run(actor=owner, workflow=workflow, method="majority")
    client = Client()
    client.force_login(owner)
    rows = list(csv.DictReader(io.StringIO(_download(client, workflow, "classifications.csv"))))
    assert [row["T0"] for row in rows] == ["bee", "hoverfly"]
    assert rows[0]["T1.marks"] == "1"
    assert not any(value.startswith(("{", "[")) for row in rows for value in row.values())
    marks = list(csv.DictReader(io.StringIO(_download(client, workflow, "marks.csv"))))
    assert [(mark["task"], mark["tool"], mark["x"]) for mark in marks] == [("T1", "insect", "0.5")]
    results = list(csv.DictReader(io.StringIO(_download(client, workflow, "results.csv"))))
    first = next(row for row in results if row["subject_id"] == str(subjects[0].pk))
    assert (first["p_bee"], first["p_hoverfly"], first["p_butterfly"]) == (
        "0.500000",
        "0.500000",
        "0.000000",
    )
    assert first["method"] == "majority" and first["disputed"] == "1"
    document = json.loads(_download(client, workflow, "results.json"))
    assert document["classes"] == ["bee", "hoverfly", "butterfly"]
    assert document["subjects"][0]["probabilities"]["butterfly"] == 0.0


def test_every_workflow_export_carries_the_projects_data_licence() -> None:
    workflow, subjects, owner = make_workflow(subjects=1, tasks=[SPECIES_TASK, MARKING_TASK])
    Project.objects.filter(pk=workflow.project_id).update(data_licence=DataLicence.CC0)
    classification_submit(
        identity=Identity(user=UserFactory()),
        workflow=workflow,
        subject=subjects[0],
        answers={"T0": "bee", "T1": [{"tool": "insect", "x": 0.5, "y": 0.5}]},
    )
    aggregation_run(actor=owner, workflow=workflow, method="majority")
    client = Client()
    client.force_login(owner)
    for name in ("classifications.csv", "marks.csv", "results.csv", "probabilities.csv"):
        rows = list(csv.DictReader(io.StringIO(_download(client, workflow, name))))
        assert rows, name
        assert {row["license"] for row in rows} == {"CC0-1.0"}, name
    document = json.loads(_download(client, workflow, "results.json"))
    assert document["licence"] == "CC0-1.0"
    assert "creativecommons.org" in document["licence_url"]
    assert workflow.project.name in document["citation"]


def test_volunteers_cannot_download_exports() -> None:
    workflow, _subjects, _owner = make_workflow()
    client = Client()
    client.force_login(UserFactory())
    response = client.get(
        f"/projects/{workflow.project.slug}/workflows/{workflow.slug}/export/results.csv"
    )
    assert response.status_code == 403


def test_the_classify_page_carries_tasks_tutorial_and_api_addresses() -> None:
    workflow, _subjects, _owner = make_workflow(tutorial="# Welcome\n\n<script>x</script> **Bees**")
    client = Client()
    client.force_login(UserFactory())
    page = client.get(f"/projects/{workflow.project.slug}/workflows/{workflow.slug}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="workflow-tasks"' in html and "Which insect is on the flower?" in html
    assert "<strong>Bees</strong>" in html and "<script>x</script>" not in html
    assert f"/workflows/{workflow.slug}/next" in html


def test_a_researcher_creates_a_workflow_from_a_subject_set_on_the_page() -> None:
    workflow, _subjects, owner = make_workflow(subjects=3)
    subject_set = workflow.project.subject_sets.get()
    client = Client()
    client.force_login(owner)
    response = client.post(
        f"/projects/{workflow.project.slug}/workflows/new/",
        {
            "name": "Second look",
            "question": "Is it blurry?",
            "kind": "single",
            "answers": "Yes\nNo\nNo",
            "source": f"set:{subject_set.pk}",
            "retirement_count": 3,
            "activate": "on",
        },
    )
    assert response.status_code == 302
    created = Workflow.objects.get(name="Second look")
    assert created.status == "active" and created.retirement_count == 3
    assert [answer["value"] for answer in created.tasks[0]["answers"]] == ["yes", "no"]
    assert created.subject_states.count() == 3


def test_the_expert_queue_page_settles_a_disputed_subject() -> None:
    workflow, subjects, owner = make_workflow(subjects=1)
    for label in ("bee", "hoverfly"):
        classification_submit(
            identity=Identity(user=UserFactory()),
            workflow=workflow,
            subject=subjects[0],
            answers={"T0": label},
        )
    aggregation_run(actor=owner, workflow=workflow)
    client = Client()
    client.force_login(owner)
    url = f"/projects/{workflow.project.slug}/workflows/{workflow.slug}/review/"
    assert f"Subject {subjects[0].external_id}" in client.get(url).content.decode()
    response = client.post(url, {"subject_id": subjects[0].pk, "label": "hoverfly", "note": "x"})
    assert response.status_code == 302
    assert "No disputed subjects" in client.get(url).content.decode()


def test_talk_indexes_hashtags() -> None:
    _workflow, subjects, _owner = make_workflow(subjects=1)
    comment = subject_comment_post(
        actor=UserFactory(),
        subject=subjects[0],
        text="A #Bumblebee? or a #hoverfly, #bumblebee again",
    )
    assert sorted(tag.tag for tag in comment.hashtags.all()) == ["bumblebee", "hoverfly"]
    assert hashtags_in("no#tag here, but #yes") == ["yes"]


def test_settings_page_changes_the_retirement_rule(settings: Any) -> None:
    workflow, _subjects, owner = make_workflow()
    client = Client()
    client.force_login(owner)
    url = f"/projects/{workflow.project.slug}/workflows/{workflow.slug}/settings/"
    form = {
        "name": workflow.name,
        "status": "active",
        "retirement_count": 8,
        "consensus_agreeing": 3,
        "consensus_confidence": 0.8,
        "gold_rate_newcomer": 0.4,
        "gold_rate_experienced": 0.1,
        "gold_rate_experience": 50,
        "assignment_order": "random",
        "tutorial": "",
        "field_guide": "",
    }
    assert client.post(url, form).status_code == 302
    workflow.refresh_from_db()
    assert (workflow.retirement_count, workflow.consensus_agreeing) == (8, 3)
    assert workflow.assignment_order == "random"
    half = {**form, "consensus_confidence": ""}
    assert client.post(url, half).status_code == 400


def test_listing_workflows_looks_up_the_viewers_role_once_however_many_workflows() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cslab.classification.selectors import workflow_list_for_project
    from cslab.classification.services.workflows import workflow_create

    workflow, _subjects, owner = make_workflow(subjects=0)
    for number in range(4):
        workflow_create(
            actor=owner, project=workflow.project, name=f"Draft {number}", tasks=[SPECIES_TASK]
        )
    member = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        listed = workflow_list_for_project(user=member, project=workflow.project)
    assert [found.name for found in listed] == ["Who visits?"]  # drafts hidden from outsiders
    role_lookups = [query for query in queries if "projects_membership" in query["sql"]]
    assert len(role_lookups) <= 1, [query["sql"] for query in role_lookups]


LABELLED_TASK = {
    "key": "T0",
    "kind": "single",
    "question": "What is on the flower?",
    "answers": [
        {"value": "none", "label": "Nothing on the flower"},
        {"value": "bee", "label": "Bee"},
    ],
}


def test_results_and_review_show_the_labels_volunteers_saw_and_exports_keep_the_values() -> None:
    workflow, subjects, owner = make_workflow(subjects=1, tasks=[LABELLED_TASK])
    for label in ("none", "bee"):
        classification_submit(
            identity=Identity(user=UserFactory()),
            workflow=workflow,
            subject=subjects[0],
            answers={"T0": label},
        )
    aggregation_run(actor=owner, workflow=workflow, method="majority")
    client = Client()
    client.force_login(owner)
    base = f"/projects/{workflow.project.slug}/workflows/{workflow.slug}/"
    results = client.get(f"{base}results/").content.decode()
    assert "<td>Nothing on the flower</td>" in results
    assert "<td>none</td>" not in results
    review = client.get(f"{base}review/").content.decode()
    assert "Nothing on the flower: 0.50" in review and "Bee: 0.50" in review
    assert "none: 0.50" not in review
    rows = list(csv.DictReader(io.StringIO(_download(client, workflow, "results.csv"))))
    assert (rows[0]["label"], rows[0]["label_text"]) == ("none", "Nothing on the flower")


def _links(html: str) -> set[str]:
    import re

    return set(re.findall(r'href="(/projects/[^"]+)"', html))


def test_the_workflows_page_offers_each_person_only_the_links_they_may_follow() -> None:
    workflow, _subjects, owner = make_workflow(subjects=2)
    base = f"/projects/{workflow.project.slug}/workflows/"
    team_only = {
        f"{base}{workflow.slug}/results/",
        f"{base}{workflow.slug}/review/",
        f"{base}{workflow.slug}/settings/",
        f"{base}new/",
    }
    for person, sees_team_links in ((owner, True), (UserFactory(), False)):
        client = Client()
        client.force_login(person)
        links = _links(client.get(base).content.decode())
        assert f"{base}{workflow.slug}/" in links
        assert (team_only <= links) if sees_team_links else not (team_only & links)
        for link in links:
            assert client.get(link).status_code == 200, link


def test_a_subjects_talk_page_links_back_to_classifying_it() -> None:
    workflow, subjects, _owner = make_workflow(subjects=1)
    client = Client()
    client.force_login(UserFactory())
    base = f"/projects/{workflow.project.slug}"
    links = _links(client.get(f"{base}/subjects/{subjects[0].pk}/talk/").content.decode())
    assert {f"{base}/workflows/{workflow.slug}/", f"{base}/workflows/"} <= links


def test_creating_a_workflow_without_photos_or_sets_points_to_uploading_subjects() -> None:
    from tests.projects.factories import ProjectFactory

    owner = UserFactory()
    project = ProjectFactory(public=True, initiator=owner)
    client = Client()
    client.force_login(owner)
    html = client.get(f"/projects/{project.slug}/workflows/new/").content.decode()
    assert "no observation photos or subject sets yet" in html
    assert f"/projects/{project.slug}/subject-sets/upload/" in _links(html)
    assert 'name="source"' not in html
