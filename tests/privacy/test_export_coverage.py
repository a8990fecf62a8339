"""Every field that holds a person's data is in their export, or left out for a stated reason.

The rule, kept by the test below: every model with a foreign key to the user model (and the
user model itself) is either EXPORTED, naming the export section that holds its rows and each
field deliberately LEFT OUT with the reason, or SHARED (a project's, event's or resource's own
content that the person made for others; the export names it) or NOT_EXPORTED, with the reason.
Adding a model or a field therefore fails this test until someone decides where it goes.
For the rows the seeded person has, each exported plain field's value must appear in the
export's data.json: a field listed as exported that the section forgets is caught too.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from cslab.core.personal_data import sections
from cslab.privacy.archive import archive_write
from tests.privacy.export_helpers import read_zip, seed_two_people

OWN_KEY = "the person themself: the export is theirs"
SOMEONE_ELSE = "another person (a moderator, a curator, an inviter): named by role only"
SECRET = "a secret or its hash: never exported"
INTERNAL_ID = "the database's row number"


@dataclass(frozen=True)
class Exported:
    section: str
    left_out: dict[str, str] = field(default_factory=dict)


EXPORTED: dict[str, Exported] = {
    "accounts.User": Exported(
        "profile",
        {"id": INTERNAL_ID, "password": SECRET},
    ),
    "account.EmailAddress": Exported("email_addresses", {"id": INTERNAL_ID, "user": OWN_KEY}),
    "socialaccount.SocialAccount": Exported(
        "linked_accounts", {"id": INTERNAL_ID, "user": OWN_KEY}
    ),
    "core.AuditEvent": Exported(
        "audit_events",
        {
            "id": INTERNAL_ID,
            "actor": OWN_KEY + " ('by_you'; someone else acting on the account is not named)",
            "target_label": "may name another person (a membership reads their e-mail); the "
            "target's type and id are exported, and the label when the target is the person",
        },
    ),
    "core.Job": Exported(
        "jobs",
        {
            "id": INTERNAL_ID,
            "started_by": OWN_KEY,
            "progress": "a progress bar's state",
            "message": "a progress message",
            "arguments": "other areas' input (an import's rows), exported by those areas",
            "result": "other areas' output (an earlier export), exported by those areas",
            "error": "a technical error message",
            "started_at": "when a worker picked it up: created_at and finished_at say enough",
        },
    ),
    "accounts.ApiToken": Exported(
        "api_tokens", {"id": INTERNAL_ID, "user": OWN_KEY, "token_hash": SECRET}
    ),
    "projects.Membership": Exported("projects", {"id": INTERNAL_ID, "user": OWN_KEY}),
    "projects.OrganisationMember": Exported("projects", {"id": INTERNAL_ID, "user": OWN_KEY}),
    "projects.Invitation": Exported(
        "projects",
        {
            "id": INTERNAL_ID,
            "email": "the invitee's address: the invitee has it in their profile, the "
            "inviter's export must not hold it",
            "token_hash": SECRET,
            "invited_by": SOMEONE_ELSE,
            "accepted_by": OWN_KEY,
            "expires_at": "the link's validity, not about the person",
            "revoked_at": "the team's action on the link",
        },
    ),
    "projects.JoinRequest": Exported(
        "projects", {"id": INTERNAL_ID, "user": OWN_KEY, "decided_by": SOMEONE_ELSE}
    ),
    "questions.Question": Exported(
        "questions",
        {
            "id": INTERNAL_ID,
            "proposer": OWN_KEY,
            "adopted_project": "the project that took it up: the team's",
            "merged_into": "another person's question",
            "updated_at": "any edit by the Lab as well: status_changed_at says what matters",
        },
    ),
    "questions.Comment": Exported(
        "questions",
        {
            "id": INTERNAL_ID,
            "author": OWN_KEY,
            "hidden_by": SOMEONE_ELSE,
            "parent": "the comment answered: another person's",
            "depth": "the thread's layout",
            "flag_count": "how many others flagged it: their actions",
        },
    ),
    "questions.CommentFlag": Exported(
        "questions",
        {"id": INTERNAL_ID, "user": OWN_KEY, "comment": "another person's comment"},
    ),
    "questions.Support": Exported("questions", {"id": INTERNAL_ID, "user": OWN_KEY}),
    "questions.Follow": Exported("questions", {"id": INTERNAL_ID, "user": OWN_KEY}),
    "observations.Observation": Exported(
        "observations",
        {
            "observer": OWN_KEY,
            "content_hash": "a fingerprint of the answers, which are exported",
            **{f"h3_res{n}": "a map cell computed from the location" for n in (3, 5, 7, 9)},
            **{f"public_h3_res{n}": "a map cell of the public location" for n in (3, 5, 7, 9)},
            "moderated_by": SOMEONE_ELSE,
            "warning_count": "the number of the warnings, which are exported",
        },
    ),
    "observations.ObservationFlag": Exported(
        "observation_flags", {"id": INTERNAL_ID, "flagged_by": OWN_KEY}
    ),
    "classification.Classification": Exported(
        "classifications",
        {
            "id": INTERNAL_ID,
            "volunteer": OWN_KEY,
            "session_identity": "the anonymous session's key before logging in: a secret",
        },
    ),
    "classification.SubjectComment": Exported(
        "classifications", {"id": INTERNAL_ID, "author": OWN_KEY}
    ),
    "classification.ExpertDecision": Exported(
        "classifications", {"id": INTERNAL_ID, "decided_by": OWN_KEY}
    ),
    "consensus.WorkerSkill": Exported(
        "skill_estimates",
        {
            "id": INTERNAL_ID,
            "volunteer": OWN_KEY,
            "worker": "the method's key for the person (their id)",
            "run": "the aggregation run: the team's job",
        },
    ),
    "openrosa.DevicePassword": Exported(
        "device_passwords", {"id": INTERNAL_ID, "user": OWN_KEY, "ha1": SECRET}
    ),
    "notifications.Notification": Exported(
        "notifications", {"id": INTERNAL_ID, "recipient": OWN_KEY, "actor": SOMEONE_ELSE}
    ),
    "notifications.NotificationPreference": Exported(
        "notification_preferences", {"id": INTERNAL_ID, "user": OWN_KEY}
    ),
    "notifications.DailyDigestDelivery": Exported(
        "notification_preferences", {"id": INTERNAL_ID, "user": OWN_KEY}
    ),
    "hub.CaseStudyPerson": Exported(
        "hub", {"id": INTERNAL_ID, "user": OWN_KEY, "position": "the order on the page"}
    ),
    "hub.ResourceAuthor": Exported(
        "hub", {"id": INTERNAL_ID, "user": OWN_KEY, "position": "the order of the authors"}
    ),
    "hub.ResourceVersion": Exported("hub", {"id": INTERNAL_ID, "created_by": OWN_KEY}),
    "hub.Review": Exported("hub", {"id": INTERNAL_ID, "reviewer": OWN_KEY}),
    "hub.ResourceUse": Exported("hub", {"id": INTERNAL_ID, "added_by": OWN_KEY}),
    "hub.Endorsement": Exported("hub", {"id": INTERNAL_ID, "endorsed_by": OWN_KEY}),
    "hub.Rating": Exported("hub", {"id": INTERNAL_ID, "user": OWN_KEY}),
    "hub.ResourceComment": Exported(
        "hub",
        {
            "id": INTERNAL_ID,
            "author": OWN_KEY,
            "hidden_by": SOMEONE_ELSE,
            "flag_count": "how many others flagged it: their actions",
        },
    ),
    "hub.ResourceCommentFlag": Exported(
        "hub", {"id": INTERNAL_ID, "user": OWN_KEY, "comment": "another person's comment"}
    ),
    "hub.Subscription": Exported("hub", {"id": INTERNAL_ID, "user": OWN_KEY, "token": SECRET}),
    "hub.DigestDelivery": Exported("hub", {"id": INTERNAL_ID, "user": OWN_KEY}),
    "events.EventPerson": Exported(
        "events", {"id": INTERNAL_ID, "user": OWN_KEY, "position": "the order on the page"}
    ),
    "events.Registration": Exported(
        "events", {"id": INTERNAL_ID, "user": OWN_KEY, "token": SECRET}
    ),
    "events.EventFeedback": Exported("events", {"id": INTERNAL_ID, "user": OWN_KEY}),
    "training.LessonCompletion": Exported("training", {"id": INTERNAL_ID, "user": OWN_KEY}),
    "training.QuizAttempt": Exported("training", {"id": INTERNAL_ID, "user": OWN_KEY}),
    "training.Certificate": Exported(
        "training",
        {"id": INTERNAL_ID, "user": OWN_KEY, "module": "named by module_title, as issued"},
    ),
    "consent.ConsentRecord": Exported(
        "consents",
        {
            "id": INTERNAL_ID,
            "participant": OWN_KEY,
            "app_user": "a record of a project's device, not of a person",
            "recorded_by": "the person or the team: exported as that role",
        },
    ),
    "participants.CreditPreference": Exported(
        "credit_preferences", {"id": INTERNAL_ID, "user": OWN_KEY}
    ),
    "privacy.MediaRemovalRequest": Exported(
        "media_removal_requests",
        {
            "id": INTERNAL_ID,
            "media": "the photo's id is exported; the photo itself is its observer's",
            "requested_by": OWN_KEY,
            "decided_by": SOMEONE_ELSE,
        },
    ),
    "privacy.PersonalDataExport": Exported(
        "personal_data_exports",
        {
            "id": INTERNAL_ID,
            "user": OWN_KEY,
            "job": "the job that wrote it (in 'jobs')",
            "token_sha256": SECRET,
            "file_path": "where the server keeps the file",
        },
    ),
}

# Things the person made for others, shared with a team or the public: the export names them
# (projects proposed, resources written, consent texts shown); their content is the team's.
SHARED: dict[str, str] = {
    "projects.Project": "a project's description is its team's; the ones the person proposed "
    "are listed in 'projects'",
    "forms.Form": "a project's form, the team's work",
    "forms.FormVersion": "a project's form, the team's work",
    "observations.SensitiveCategory": "a project's setting",
    "classification.SubjectSet": "a project's subjects",
    "classification.Workflow": "a project's workflow",
    "consensus.AggregationRun": "the team's run of a consensus method",
    "openrosa.AppUser": "a project's device account",
    "hub.Resource": "a published, shared work; the ones the person submitted or wrote are "
    "listed in 'hub', with the versions they wrote in full",
    "events.Event": "an event's page, its organisers'; registrations and roles are in 'events'",
    "training.TrainingModule": "a training module, its trainers'",
    "consent.ConsentVersion": "a project's consent text; the exact text the person was shown "
    "is in their record in 'consents'",
    "impact.Output": "a paper or data set of a project, public",
    "impact.ImpactStatement": "what changed because of a project, public on its page; the "
    "person's recording of it is in the audit log",
}

NOT_EXPORTED: dict[str, str] = {
    "admin.LogEntry": "Django admin's own change log of staff edits in /admin/; cslab's "
    "audit log, which is exported, records the actions that matter",
    "projects.ProjectStatusChange": "a project's lifecycle, changed by its team or Lab staff; "
    "the person's own actions are in the audit log",
    "questions.QuestionStatusChange": "the Lab's decisions on questions; the person's own "
    "question shows its status, answer and reason in 'questions'",
    "observations.ModerationEvent": "decisions the person took as a moderator on other "
    "people's observations (their data); the audit log holds the person's actions",
    "impact.Participant": "derived counting key of the impact roll-ups (no data of its own); "
    "the contributions it counts are exported in their areas",
    "impact.MetaResearchExport": "a staff member's request for a pseudonymous research export; "
    "its starting is in the audit log and its file holds no one's identity",
    "exports.DarwinCoreMapping": "a form's choice of question per Darwin Core term; who "
    "last saved it is in the audit log",
    "exports.DataExport": "a request for a file of a project's observations (deleted after 7 "
    "days); its starting is in the audit log and the person's observations are in "
    "'observations'",
    "exports.DataImport": "a team member's upload of a file of observations to import (the file "
    "is deleted 30 days after the import ends); its upload and import are in the audit log and "
    "the observations it stored are the importer's, in 'observations'",
}


def _models_holding_people() -> dict[str, type[models.Model]]:
    user_model = get_user_model()
    found: dict[str, type[models.Model]] = {user_model._meta.label: user_model}
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation and model_field.related_model is user_model:
                found[model._meta.label] = model
    return found


def test_every_model_that_holds_people_is_exported_or_left_out_with_a_reason() -> None:
    decided = set(EXPORTED) | set(SHARED) | set(NOT_EXPORTED)

    undecided = set(_models_holding_people()) - decided

    assert undecided == set(), (
        "Models with a foreign key to the user: add each to EXPORTED (with a section) or to "
        "SHARED / NOT_EXPORTED with the reason, in tests/privacy/test_export_coverage.py"
    )
    assert decided - set(_models_holding_people()) == set(), "stale entries"


@pytest.mark.parametrize("label", sorted(EXPORTED))
def test_every_field_of_an_exported_model_is_exported_or_left_out_with_a_reason(
    label: str,
) -> None:
    model = apps.get_model(label)
    coverage = EXPORTED[label]
    names = {model_field.name for model_field in model._meta.concrete_fields}

    assert set(coverage.left_out) - names == set(), f"{label}: left out but not a field"
    assert coverage.section in {section.key for section in sections()}, label
    for reason in coverage.left_out.values():
        assert reason.strip(), label


def _owner_fields(model: type[models.Model], coverage: Exported) -> list[str]:
    """The foreign keys by which the section picks the person's rows (the OWN_KEY ones)."""
    user_model = get_user_model()
    if model is user_model:
        return ["pk"]
    return [
        model_field.name
        for model_field in model._meta.concrete_fields
        if model_field.is_relation
        and model_field.related_model is user_model
        and coverage.left_out.get(model_field.name, "").startswith(OWN_KEY)
    ]


def _text_forms(value: Any) -> list[str]:
    """The ways a plain value is written in data.json."""
    if isinstance(value, datetime | date):
        return [value.isoformat()]
    if isinstance(value, bool) or value is None or value == "":
        return []  # true/false/null appear everywhere: no evidence either way
    if isinstance(value, int | float):
        return [json.dumps(value)]
    if isinstance(value, str):
        return [json.dumps(value, ensure_ascii=False)[1:-1]]
    return []


def _seed_more_areas(person: Any) -> None:
    """Rows of the person in events, training, the hub, credit and notification settings."""
    from cslab.accounts.services.api_tokens import api_token_create
    from cslab.hub.models import Rating, ResourceComment, Subscription
    from cslab.notifications.models import NotificationPreference
    from cslab.participants.models import CreditPreference
    from tests.events.factories import make_event, make_registration
    from tests.hub.factories import make_resource
    from tests.training.factories import make_certificate, make_module

    api_token_create(actor=person, user=person, name="My laptop script")
    event = make_event(slug="coverage-walk")
    make_registration(
        event=event, user=person, dietary_needs="No nuts", accessibility_needs="Step-free"
    )
    make_certificate(user=person, module=make_module(), holder_name="Ada P. on paper")
    resource = make_resource(title="Pond dipping guide")
    Rating.objects.create(resource=resource, user=person, stars=4)
    ResourceComment.objects.create(resource=resource, author=person, text="Used it twice.")
    Subscription.objects.create(user=person, query="q=ponds", label="Ponds", token="t" * 40)
    CreditPreference.objects.create(user=person, choice="pseudonym", pseudonym="Frog Fan")
    NotificationPreference.objects.create(user=person, category="project_news", email="daily")


@pytest.mark.django_db
def test_the_seeded_persons_rows_have_every_exported_field_in_the_export(
    tmp_path: Path,
) -> None:
    seeded = seed_two_people()
    _seed_more_areas(seeded.person)
    destination = tmp_path / "export.zip"
    archive_write(user=seeded.person, destination=destination)
    data = read_zip(destination)["data.json"].decode()
    checked = 0
    missing = []

    for label, coverage in EXPORTED.items():
        model = apps.get_model(label)
        for owner_field in _owner_fields(model, coverage):
            rows = model._default_manager.filter(**{owner_field: seeded.person.pk})
            for row in rows[:20]:
                for model_field in model._meta.concrete_fields:
                    if model_field.is_relation or model_field.name in coverage.left_out:
                        continue
                    if isinstance(model_field, models.JSONField | models.AutoField):
                        continue  # nested values have their own tests; ids are internal
                    for form in _text_forms(getattr(row, model_field.attname)):
                        checked += 1
                        if form not in data:
                            missing.append(f"{label}.{model_field.name} = {form!r}")

    assert checked > 60, "the seed should give rows of many models"
    assert missing == [], "exported fields whose values are not in data.json"
