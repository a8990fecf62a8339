"""Item 4 (part), cross-project IDs (docs/reliability.md A4): no request that points at another
project's objects is accepted, and a hidden object's 404 looks like a missing one's.

The operations come from the site itself: every OpenAPI operation and every page of the URL
resolver whose path takes an ID of a project's object (project slug or id, form, observation,
photo, membership, invitation, join request, board question and its comments, workflow,
subject, app user and its key, sensitive-category question). Each target project gets one of
every such object: a private project B, a draft project C (in review) and a public project D
where the actor has no role. The actors are the owner, a researcher and a moderator of their
own project A.

A seeded generator sends GET/POST/PUT/PATCH/DELETE (mostly the methods the operation answers)
with a plausible body (a JSON or form body of the fields these operations take, whose linked
IDs point at the target's objects too), with the whole path taken from the target project, or
with A's slug and the target's object IDs (the linked-ID case of the Zooniverse incident).
A request is accepted when
- it answers 2xx on B or C (nothing of theirs may be read or written by outsiders), or 2xx
  through A's slug with another project's object ID;
- or the target project's rows changed (digest of the project, its forms, observations, media,
  team, invitations, join requests, board questions, workflows, subjects, app users, collection
  settings and sensitive categories; taken after every request below 400 and at the end),
  which also covers a 3xx after a write. On the public project D reading is allowed, so only
  a change of those rows counts there.
For B and C each request is paired with the same request for IDs that do not exist: both
answers must be the same (status, and problem code for problem+json), else the existence of the
object leaks. A server error (5xx) is a finding too.
"""

import contextlib
import copy
import hashlib
import io
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from cslab.api.api import api
from cslab.classification.models import Subject, SubjectSet, Workflow
from cslab.classification.services.workflows import workflow_create, workflow_link_subject_set
from cslab.core.errors import DomainError
from cslab.core.roles import ProjectRole
from cslab.forms.models import Form, FormVersion
from cslab.media.models import Media
from cslab.media.services import media_attach
from cslab.observations.models import CollectionSettings, Observation
from cslab.observations.models.settings import SensitiveCategory
from cslab.observations.services.observations import observation_submit
from cslab.openrosa.models import AppUser
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Invitation, JoinRequest, Membership, Project
from cslab.projects.selectors.team import token_hash
from cslab.questions.models import Comment, Question
from cslab.questions.services.comments import comment_post
from cslab.questions.services.questions import question_propose
from tests.factories import UserFactory
from tests.openrosa.conftest import SURVEY, publish
from tests.projects.factories import MembershipFactory, ProjectFactory

SEED = 4_2026
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
MISSING_INT = 2_000_000_000
MISSING_TEXT = "no-such-thing-7f3a"
# Path parameters that name a project's object, and the kind of object each takes.
KINDS = {
    "slug": "slug",
    "project_id": "project_id",
    "form_id": "form_id",
    "observation_id": "observation_id",
    "media_id": "media_id",
    "name": "media_name",
    "membership_id": "membership_id",
    "invitation_id": "invitation_id",
    "join_request_id": "join_request_id",
    "question_id": "question_id",
    "comment_id": "comment_id",
    "workflow": "workflow",
    "subject_id": "subject_id",
    "app_user_id": "app_user_id",
    "token": "own_token",
    "question": "question",
    "set_name": "set_name",
    "action": "action",
}
# Not IDs: fixed words of a route; the actor's own app-user key (a bearer secret, not an
# object ID: the key URL is sent with the actor's key and the target's slug); and the question
# name of a sensitive category, a free name of 1 to 100 characters for any of the project's
# forms, present or future (`sensitive_category_set`), so A's category named like B's question
# touches nothing of B's.
FIXED = {"set_name", "action", "own_token", "question"}
# Writes any signed-in person may make on a public project: flag an observation
# (docs/observations.md), take part in a board question (support, follow, comment, flag a
# comment), classify and discuss subjects, ask to join. After one of these on D the digest is
# taken again rather than compared.
OPEN_ON_PUBLIC = re.compile(
    r"(/observations/\{observation_id\}/flag|/questions/\{question_id\}/(support|follow|comments)"
    r"|/questions/comments/\{comment_id\}/flag|/classifications|/subjects/\{subject_id\}/comments"
    r"|/join)/?$"
)
# Templates whose slug is not a project's (hub resources, events, organisations) or whose
# token is not an app user's take no project object.
PROJECT_TEMPLATE = re.compile(r"(^|/)(projects|openrosa|openrosa/key/\{token\}|review)/\{slug\}")
NOT_PROJECT_TOKEN = re.compile(r"(invitations|unsubscribe|cancel|data/.*)/\{token\}")


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), "green").save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class Target:
    """A project the actors have no role in, with one object of every kind."""

    label: str
    project: Project
    ids: dict[str, Any] = field(default_factory=dict)


def survey_for(tag: str) -> dict[str, Any]:
    survey = copy.deepcopy(SURVEY)
    survey["survey"].insert(0, {"type": "text", "name": f"note_{tag}", "label": "Note"})
    survey["settings"] = [{"form_id": f"birds_{tag}", "form_title": "Birds", "version": "1"}]
    return survey


def build_target(label: str, tag: str, **fields: Any) -> Target:
    project: Project = ProjectFactory(**fields)
    owner = project.initiator
    target = Target(label, project)
    ids = target.ids
    ids.update(slug=project.slug, project_id=project.pk, set_name="Submissions", action="adopt")
    version: FormVersion = publish(project, survey_for(tag))
    ids["form_id"] = version.form.form_id
    ids["question"] = f"note_{tag}"
    try:
        observation, _created = observation_submit(
            actor=owner,
            form_version=version,
            instance_id=f"uuid:{tag}-1",
            answers={"site": "Pond", "location": "52.1 5.1 0 5", "photo": "1.jpg"},
        )
    except DomainError:  # a draft project takes no submissions
        observation = None
    if observation is not None:
        media, _new = media_attach(
            actor=owner,
            observation=observation,
            name="1.jpg",
            uploaded_file=SimpleUploadedFile("1.jpg", jpeg(), "image/jpeg"),
        )
        ids.update(observation_id=observation.pk, media_id=media.pk, media_name=media.name)
    ids["membership_id"] = MembershipFactory(project=project, role=ProjectRole.MEMBER).pk
    ids["invitation_id"] = Invitation.objects.create(
        project=project,
        email=f"guest-{tag}@example.org",
        role="member",
        token_hash=token_hash(f"cross-{tag}-invitation"),
        invited_by=owner,
        expires_at=timezone.now() + timedelta(days=7),
    ).pk
    ids["join_request_id"] = JoinRequest.objects.create(project=project, user=UserFactory()).pk
    question = question_propose(
        actor=owner, text=f"Board question {tag}?", why_it_matters="Because.", project=project
    )
    ids["question_id"] = question.pk
    ids["comment_id"] = comment_post(actor=owner, question=question, text="A comment").pk
    subject_set = SubjectSet.objects.create(project=project, name=f"{tag} subjects")
    ids["subject_set_id"] = subject_set.pk
    ids["subject_id"] = Subject.objects.create(
        subject_set=subject_set, external_id=f"{tag}-1", kind=Subject.Kind.TEXT, text="Text"
    ).pk
    with contextlib.suppress(DomainError):  # not every project state takes a workflow
        workflow = workflow_create(
            actor=owner,
            project=project,
            name=f"Workflow {tag}",
            tasks=[
                {
                    "key": "T0",
                    "kind": "single",
                    "question": "Which?",
                    "answers": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                }
            ],
            status="active",
        )
        workflow_link_subject_set(actor=owner, workflow=workflow, subject_set=subject_set)
        ids["workflow"] = workflow.slug
    app_user: AppUser = app_user_create(actor=owner, project=project, name=f"Phone {tag}")
    ids.update(app_user_id=app_user.pk, own_token="")
    return target


def missing_value(kind: str) -> Any:
    return MISSING_INT if kind.endswith("_id") else MISSING_TEXT


def project_digest(project: Project, outsiders: set[int]) -> str:
    """SHA-256 of every row of the project that only its team may change (an outsider's own
    join request or membership, which joining a public project makes, left out)."""
    rows: list[Any] = [list(Project.objects.filter(pk=project.pk).values_list())]
    for model, lookup in [
        (Form, "project"),
        (FormVersion, "form__project"),
        (Observation, "project"),
        (Media, "observation__project"),
        (Invitation, "project"),
        (Question, "project"),
        (Comment, "question__project"),
        (SubjectSet, "project"),
        (Subject, "subject_set__project"),
        (Workflow, "project"),
        (AppUser, "project"),
        (CollectionSettings, "project"),
        (SensitiveCategory, "project"),
    ]:
        queryset = model.objects.filter(**{lookup: project}).order_by("pk")  # type: ignore[attr-defined]
        rows.append(list(queryset.values_list()))
    for team_model in (Membership, JoinRequest):
        queryset = team_model.objects.filter(project=project).exclude(user_id__in=outsiders)
        rows.append(list(queryset.order_by("pk").values_list()))
    text = json.dumps(rows, default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Operation:
    template: str  # "/api/v1/projects/{slug}/observations/{observation_id}"
    api: bool
    params: tuple[str, ...]
    methods: tuple[str, ...]  # the methods it answers (pages: GET and POST)


def _route_template(route: str) -> str:
    if route.startswith("^") or "(?P<" in route:
        route = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", r"{\1}", route)
        route = route.replace("^", "").replace("$", "").replace("/?", "").replace("\\", "")
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _pages(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _pages(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def operations() -> tuple[list[Operation], list[str]]:
    """Every API operation and page taking a project object's ID; and the templates with an
    ID that is not a project's object (reported, not sent)."""
    templates = {
        (path, True, tuple(sorted(method.upper() for method in operations)))
        for path, operations in api.get_openapi_schema()["paths"].items()
    }
    for route in _pages(get_resolver().url_patterns):
        if route.startswith(("api/", "admin/")):
            continue
        templates.add((_route_template(route), False, ("GET", "POST")))
    found: list[Operation] = []
    others: list[str] = []
    for template, is_api, methods in sorted(templates):
        params = tuple(re.findall(r"{(\w+)}", template))
        if not params:
            continue
        project_object = (
            all(name in KINDS for name in params)
            and ("slug" not in params or PROJECT_TEMPLATE.search(template))
            and not NOT_PROJECT_TOKEN.search(template)
            and ("project_id" in params or "slug" in params or "token" not in params)
        )
        if project_object:
            found.append(Operation(template, is_api, params, methods))
        else:
            others.append(template)
    return found, others


def plausible_body(rng: random.Random, ids: dict[str, Any]) -> dict[str, Any]:
    """The fields these operations take, with linked IDs of the target's objects."""
    body: dict[str, Any] = {
        "name": "Cross",
        "text": "Cross-project text",
        "reason": "Cross-project",
        "status": rng.choice(["accepted", "rejected", "active"]),
        "geoprivacy": rng.choice(["private", "open"]),
        "role": rng.choice(["researcher", "owner", "member"]),
        "email": "cross@example.org",
        "instance_id": f"uuid:cross-{rng.randint(1, 10**9)}",
        "version": "1",
        "answers": {"site": "Cross"},
        "values": ["x"],
        "decision": "a",
        "annotations": [{"task": "T0", "value": "a"}],
    }
    for key in ("subject_id", "subject_set_id", "observation_id", "membership_id", "form_id"):
        if key in ids:
            body[key] = ids[key]
    if "observation_id" in ids:
        body["observation_ids"] = [ids["observation_id"]]
    if "subject_set_id" in ids:
        body["subject_set"] = ids["subject_set_id"]
    if "workflow" in ids:
        body["workflow"] = ids["workflow"]
    keys = sorted(body)
    return {key: body[key] for key in rng.sample(keys, rng.randint(len(keys) // 2, len(keys)))}


def send(client: Client, method: str, url: str, body: dict[str, Any], is_api: bool) -> Any:
    if method == "GET":
        return client.get(url)
    if is_api:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(url, {k: str(v) for k, v in body.items()})
    return client.generic(method, url, "")


def answer_shape(response: Any) -> tuple[int, str]:
    code = ""
    if response.get("Content-Type", "").startswith("application/problem+json"):
        code = str(json.loads(response.content).get("code"))
    return response.status_code, code


@pytest.mark.django_db
def test_requests_with_another_projects_ids_are_never_accepted(
    scale: Any, report_figure: Callable[..., Any]
) -> None:
    own: Project = ProjectFactory(status=Project.Status.ACTIVE)
    publish(own, survey_for("own"))
    own_key = app_user_create(actor=own.initiator, project=own, name="Own phone").token
    actors = {"owner": own.initiator}
    for role in (ProjectRole.RESEARCHER, ProjectRole.MODERATOR):
        actors[str(role)] = MembershipFactory(project=own, role=role).user
    clients = {}
    for name, user in actors.items():
        clients[name] = Client(raise_request_exception=False)  # a 500 is a finding
        clients[name].force_login(user)
    outsiders = {user.pk for user in actors.values()}
    targets = [
        build_target("private B", "b", status=Project.Status.ACTIVE),
        build_target("draft C", "c", status=Project.Status.IN_REVIEW, visibility="public"),
        build_target("public D", "d", status=Project.Status.ACTIVE, visibility="public"),
    ]
    for target in targets:
        target.ids["own_token"] = own_key
    digests = {t.label: project_digest(t.project, outsiders) for t in targets}
    found, not_project = operations()
    rng = random.Random(SEED)  # noqa: S311 (repeatable requests, not secrets)
    budget = scale.pick(short=1_000, full=10_000)

    requests = accepted = leaks = errors = 0
    findings: list[str] = []
    skipped: set[str] = set()
    while requests < budget:
        operation = rng.choice(found)
        target = rng.choice(targets)
        if any(KINDS[name] not in target.ids for name in operation.params):
            skipped.add(f"{operation.template} ({target.label})")
            if len(skipped) > 10 * len(found):
                break
            continue
        foreign = [name for name in operation.params if KINDS[name] not in FIXED]
        linked = "slug" in foreign and len(foreign) > 1 and rng.random() < 0.4
        values = {name: target.ids[KINDS[name]] for name in operation.params}
        if linked:
            values["slug"] = own.slug
        # Mostly the methods the operation answers (they reach its checks), some any other.
        method = rng.choice(operation.methods if rng.random() < 0.8 else METHODS)
        body = plausible_body(rng, target.ids)
        actor = rng.choice(sorted(clients))
        url = operation.template.format(**values)
        response = send(clients[actor], method, url, body, operation.api)
        requests += 1
        status = response.status_code
        where = f"{actor} {method} {url} ({target.label}{', linked' if linked else ''}): {status}"
        hidden = target.label != "public D"
        if status >= 500:
            errors += 1
            findings.append(f"server error: {where}")
        if 200 <= status < 300 and (hidden or linked):
            accepted += 1
            findings.append(f"accepted: {where}")
        if not hidden and OPEN_ON_PUBLIC.search(operation.template):
            digests[target.label] = project_digest(target.project, outsiders)
        elif status < 400:
            now = project_digest(target.project, outsiders)
            if now != digests[target.label]:
                accepted += 1
                findings.append(f"changed the target's rows: {where}")
                digests[target.label] = now
        if hidden or linked:
            absent = {
                name: (
                    value
                    if (name == "slug" and linked) or KINDS[name] in FIXED
                    else missing_value(KINDS[name])
                )
                for name, value in values.items()
            }
            missing_url = operation.template.format(**absent)
            other = send(clients[actor], method, missing_url, body, operation.api)
            requests += 1
            if answer_shape(other) != answer_shape(response) and status >= 400:
                leaks += 1
                findings.append(
                    f"existence leak: {where} {answer_shape(response)} but {missing_url} "
                    f"{answer_shape(other)}"
                )
    for target in targets:
        if project_digest(target.project, outsiders) != digests[target.label]:
            accepted += 1
            findings.append(f"{target.label}: rows changed by a refused request")

    report_figure(
        item="4 cross-project IDs",
        measure=f"requests with another project's IDs ({len(found)} operations and pages; "
        f"{len(not_project)} take no project object) / accepted / existence leaks / server errors",
        value=f"{requests:,} requests, {accepted} accepted, {leaks} leaks, {errors} 5xx",
        target=f"{budget:,} requests, 0 accepted, 0 leaks, 0 5xx",
        passed=requests >= budget and not findings,
    )
    assert requests >= budget, f"only {requests} requests could be made; skipped: {skipped}"
    assert not findings, "\n".join(sorted(set(findings))[:60])
