"""Matrix rows of the classification area: workflows, subjects, classifying, talk, exports.

`build` adds an active workflow on the private team project (`matrix-workflow`, signed-in
classifying only) and one on the public project that anonymous visitors may classify
(`open-workflow`), each with text subjects and a comment.
"""

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.classification.models import Subject, SubjectSet
from cslab.classification.services.talk import subject_comment_post
from cslab.classification.services.workflows import workflow_create, workflow_link_subject_set
from tests.permission_matrix import (
    Row,
    World,
    every,
    signed_in,
    team_and_staff,
)

TASKS = [
    {
        "key": "T0",
        "kind": "single",
        "question": "Which insect?",
        "answers": [{"value": "bee", "label": "Bee"}, {"value": "fly", "label": "Fly"}],
    }
]


def _workflow(world: World, project: Any, slug: str, allow_anonymous: bool) -> None:
    subject_set = SubjectSet.objects.create(project=project, name=f"{slug} subjects")
    subjects = [
        Subject.objects.create(
            subject_set=subject_set,
            external_id=f"{slug}-{number}",
            kind=Subject.Kind.TEXT,
            text=f"Text {number}",
        )
        for number in range(3)
    ]
    workflow = workflow_create(
        actor=world.other_user,
        project=project,
        name=slug,
        tasks=TASKS,
        status="active",
        allow_anonymous=allow_anonymous,
    )
    workflow_link_subject_set(actor=world.other_user, workflow=workflow, subject_set=subject_set)
    world.extra[slug] = workflow
    world.extra[f"{slug}-subject"] = subjects[0]
    subject_comment_post(actor=world.other_user, subject=subjects[0], text="Look at the #wings")


def build(world: World) -> None:
    _workflow(world, world.team_project, "matrix-workflow", allow_anonymous=False)
    _workflow(world, world.public_project, "open-workflow", allow_anonymous=True)


def _zip() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.csv", "id,text\nm1,First text\nm2,Second text\n")
    return SimpleUploadedFile("subjects.zip", buffer.getvalue(), content_type="application/zip")


def _team(world: World) -> str:
    return f"/api/v1/projects/{world.team_project.slug}/workflows/matrix-workflow"


def _open(world: World) -> str:
    return f"/api/v1/projects/{world.public_project.slug}/workflows/open-workflow"


def _page(world: World, project: str = "team") -> str:
    if project == "team":
        return f"/projects/{world.team_project.slug}/workflows/matrix-workflow/"
    return f"/projects/{world.public_project.slug}/workflows/open-workflow/"


def _subject(world: World, slug: str) -> int:
    return int(world.extra[f"{slug}-subject"].pk)


LEADS_ONLY = team_and_staff(
    403, 404, anonymous=401, staff=201, superuser=201, owner=201, researcher=201
)
REVIEWERS_API = team_and_staff(
    403, 404, anonymous=401, staff=200, superuser=200, owner=200, researcher=200, moderator=200
)
REVIEWERS_PAGE = team_and_staff(
    403, 404, staff=200, superuser=200, owner=200, researcher=200, moderator=200
)
LEADS_PAGE = team_and_staff(403, 404, staff=200, superuser=200, owner=200, researcher=200)
WORKFLOW_ROUTE = "/api/v1/projects/{slug}/workflows/{workflow}"

# fmt: off
ROWS: list[Row] = [
    # --- API: workflows ---
    Row("workflows of a private project", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/workflows",
        team_and_staff(200, 404), route="/api/v1/projects/{slug}/workflows"),
    Row("workflows of a public project", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/workflows",
        every(200), route="/api/v1/projects/{slug}/workflows"),
    Row("create a workflow on a private project", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/workflows", LEADS_ONLY,
        body={"name": "New workflow", "tasks": TASKS}, route="/api/v1/projects/{slug}/workflows"),
    Row("a private project's workflow", "GET", _team, team_and_staff(200, 404),
        route=WORKFLOW_ROUTE),
    Row("a public project's workflow", "GET", _open, every(200), route=WORKFLOW_ROUTE),
    Row("change a workflow", "PATCH", _team,
        team_and_staff(403, 404, anonymous=401, staff=200, superuser=200, owner=200,
                       researcher=200),
        body={"tutorial": "Look closely."}, route=WORKFLOW_ROUTE),
    Row("subjects of a workflow with their state", "GET", lambda w: f"{_team(w)}/subjects",
        REVIEWERS_API, route=WORKFLOW_ROUTE + "/subjects"),
    # --- API: classifying ---
    Row("next subject of a private project's workflow", "GET",
        lambda w: f"{_team(w)}/next?count=2", team_and_staff(200, 404),
        route=WORKFLOW_ROUTE + "/next"),
    Row("next subject of a workflow open to anonymous volunteers", "GET",
        lambda w: f"{_open(w)}/next", every(200), route=WORKFLOW_ROUTE + "/next"),
    Row("classify on a private project", "POST", lambda w: f"{_team(w)}/classifications",
        team_and_staff(201, 404),
        body=lambda w: {"subject_id": _subject(w, "matrix-workflow"), "answers": {"T0": "bee"}},
        route=WORKFLOW_ROUTE + "/classifications"),
    Row("classify on a workflow open to anonymous volunteers", "POST",
        lambda w: f"{_open(w)}/classifications", every(201),
        body=lambda w: {"subject_id": _subject(w, "open-workflow"), "answers": {"T0": "fly"}},
        route=WORKFLOW_ROUTE + "/classifications"),
    Row("undo with nothing to undo", "DELETE", lambda w: f"{_open(w)}/classifications/last",
        every(404), route=WORKFLOW_ROUTE + "/classifications/last"),
    Row("classifications of a workflow", "GET", lambda w: f"{_team(w)}/classifications",
        REVIEWERS_API, route=WORKFLOW_ROUTE + "/classifications"),
    Row("my stats in a private project's workflow", "GET", lambda w: f"{_team(w)}/me",
        team_and_staff(200, 404), route=WORKFLOW_ROUTE + "/me"),
    Row("my stats in a public workflow", "GET", lambda w: f"{_open(w)}/me", every(200),
        route=WORKFLOW_ROUTE + "/me"),
    Row("results of a workflow", "GET", lambda w: f"{_team(w)}/results", REVIEWERS_API,
        route=WORKFLOW_ROUTE + "/results"),
    Row("results of someone else's public workflow", "GET", lambda w: f"{_open(w)}/results",
        signed_in(403, 401, staff=200, superuser=200), route=WORKFLOW_ROUTE + "/results"),
    Row("expert review queue", "GET", lambda w: f"{_team(w)}/disputed", REVIEWERS_API,
        route=WORKFLOW_ROUTE + "/disputed"),
    Row("settle a subject", "POST",
        lambda w: f"{_team(w)}/subjects/{_subject(w, 'matrix-workflow')}/decision",
        team_and_staff(403, 404, anonymous=401, staff=201, superuser=201, owner=201,
                       researcher=201, moderator=201),
        body={"answers": {"T0": "bee"}, "note": "Hairy legs."},
        route=WORKFLOW_ROUTE + "/subjects/{subject_id}/decision"),
    # --- API: talk ---
    Row("talk of a private project's subject", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/subjects/"
        f"{_subject(w, 'matrix-workflow')}/comments",
        team_and_staff(200, 404), route="/api/v1/projects/{slug}/subjects/{subject_id}/comments"),
    Row("talk of a public project's subject", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/subjects/"
        f"{_subject(w, 'open-workflow')}/comments",
        every(200), route="/api/v1/projects/{slug}/subjects/{subject_id}/comments"),
    Row("comment on a public project's subject", "POST",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/subjects/"
        f"{_subject(w, 'open-workflow')}/comments",
        signed_in(201, 401), body={"text": "Same #wings here."},
        route="/api/v1/projects/{slug}/subjects/{subject_id}/comments"),
    Row("comment on a private project's subject", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/subjects/"
        f"{_subject(w, 'matrix-workflow')}/comments",
        team_and_staff(201, 404, anonymous=401), body={"text": "Hm."},
        route="/api/v1/projects/{slug}/subjects/{subject_id}/comments"),
    # --- API: subject sets ---
    Row("upload a subject set", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/subject-sets", LEADS_ONLY,
        body=lambda w: {"name": "Uploaded", "workflow": "matrix-workflow", "archive": _zip()},
        multipart=True, route="/api/v1/projects/{slug}/subject-sets"),
    Row("subjects from observations", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/subject-sets/from-observations",
        LEADS_ONLY, body={"name": "Photos", "workflow": "matrix-workflow"},
        route="/api/v1/projects/{slug}/subject-sets/from-observations"),
    # --- Pages ---
    Row("workflows page of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/workflows/", team_and_staff(200, 404),
        api=False, route="workflow_list"),
    Row("workflows page of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/workflows/", every(200), api=False,
        route="workflow_list"),
    Row("create-a-workflow page", "GET",
        lambda w: f"/projects/{w.team_project.slug}/workflows/new/",
        LEADS_PAGE, api=False, route="workflow_create"),
    Row("create a workflow with nothing filled in", "POST",
        lambda w: f"/projects/{w.public_project.slug}/workflows/new/",
        signed_in(403, 302, staff=400, superuser=400), api=False, route="workflow_create"),
    Row("subject upload page", "GET",
        lambda w: f"/projects/{w.team_project.slug}/subject-sets/upload/", LEADS_PAGE,
        api=False, route="subject_set_upload"),
    Row("classify page of a private project", "GET", _page, team_and_staff(200, 404),
        api=False, route="workflow_classify"),
    Row("classify page of a workflow open to anonymous volunteers", "GET",
        lambda w: _page(w, "public"), every(200), api=False, route="workflow_classify"),
    Row("workflow settings page", "GET", lambda w: f"{_page(w)}settings/", LEADS_PAGE,
        api=False, route="workflow_settings"),
    Row("workflow results page", "GET", lambda w: f"{_page(w)}results/", REVIEWERS_PAGE,
        api=False, route="workflow_results"),
    Row("expert review page", "GET", lambda w: f"{_page(w)}review/", REVIEWERS_PAGE,
        api=False, route="workflow_review"),
    Row("results export", "GET", lambda w: f"{_page(w)}export/results.csv", REVIEWERS_PAGE,
        api=False, route="workflow_export"),
    Row("classifications export of a public workflow", "GET",
        lambda w: f"{_page(w, 'public')}export/classifications.csv",
        signed_in(403, 302, staff=200, superuser=200), api=False, route="workflow_export"),
    Row("talk page of a private project's subject", "GET",
        lambda w: f"/projects/{w.team_project.slug}/subjects/"
        f"{_subject(w, 'matrix-workflow')}/talk/",
        team_and_staff(200, 404), api=False, route="subject_talk"),
    Row("comment on a public subject (page)", "POST",
        lambda w: f"/projects/{w.public_project.slug}/subjects/"
        f"{_subject(w, 'open-workflow')}/talk/",
        every(302), api=False, body={"text": "Nice #bee"}, route="subject_talk"),
]
# fmt: on
