"""The participants API: my summary, my credit choices, and a project's contributor list for
its team."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema

from cslab.api.auth import SIGNED_IN, ApiRequest
from cslab.consent.selectors import consent_list_mine
from cslab.core.errors import NotFoundError
from cslab.participants.selectors import (
    contribution_counts,
    contributor_list,
    credit_choice_projects,
    credit_name_for,
    credit_preference_list_mine,
    project_get_for_contributors,
)
from cslab.participants.services.contributors import acknowledgement
from cslab.participants.services.credit import (
    PSEUDONYM_MAX,
    credit_preference_clear,
    credit_preference_set,
)
from cslab.participants.vocabulary import CreditChoice
from cslab.projects.selectors import project_list_for_member

router = Router(tags=["participants"], auth=SIGNED_IN)

# A summary names a handful of projects and consents; the pages list the rest.
SUMMARY_LIMIT = 50
# A PUT changes at most this many per-project choices.
MAX_PROJECT_CHOICES = 200


class ContributionCountsOut(Schema):
    observations: int
    classifications: int
    questions: int
    comments: int


class SummaryProjectOut(Schema):
    slug: str
    name: str
    role: str


class SummaryConsentOut(Schema):
    project: str
    version: int
    granted_at: datetime
    status: str = Field(..., description="current, superseded or withdrawn")


class SummaryOut(Schema):
    contributions: ContributionCountsOut
    projects: list[SummaryProjectOut]
    consents: list[SummaryConsentOut]


class CreditChoiceOut(Schema):
    project: str | None = Field(None, description="The project's slug; null for all projects")
    choice: str
    pseudonym: str
    credited_as: str | None = Field(None, description="The name printed; null: not named")


class CreditOut(Schema):
    everywhere: CreditChoiceOut
    projects: list[CreditChoiceOut]


class CreditChoiceIn(Schema):
    choice: CreditChoice
    pseudonym: str = Field("", max_length=PSEUDONYM_MAX)


class ProjectCreditChoiceIn(Schema):
    project: str = Field(..., max_length=100, description="The project's slug")
    choice: CreditChoice | None = Field(None, description="null: as in all projects")
    pseudonym: str = Field("", max_length=PSEUDONYM_MAX)


class CreditIn(Schema):
    everywhere: CreditChoiceIn | None = None
    projects: list[ProjectCreditChoiceIn] = Field(
        default_factory=list, max_length=MAX_PROJECT_CHOICES
    )


class ContributorOut(Schema):
    name: str
    contributions: int
    first_contribution: datetime
    last_contribution: datetime


class ContributorListOut(Schema):
    participants: int
    credited: list[ContributorOut]
    anonymous_contributors: int
    field_devices: int
    acknowledgement: str


def _status(record: Any) -> str:
    if record.withdrawn_at is not None:
        return "withdrawn"
    if record.superseded_at is not None:
        return "superseded"
    return "current"


@router.get("/me/summary", response=SummaryOut, summary="My contributions, projects and consents")
def get_my_summary(request: ApiRequest) -> Any:
    user = request.auth
    projects = project_list_for_member(user=user).values_list("slug", "name", "memberships__role")
    return {
        "contributions": contribution_counts(user=user),
        "projects": [
            {"slug": slug, "name": name, "role": role}
            for slug, name, role in projects[:SUMMARY_LIMIT]
        ],
        "consents": [
            {
                "project": record.project.slug,
                "version": record.version.number,
                "granted_at": record.granted_at,
                "status": _status(record),
            }
            for record in consent_list_mine(user=user)[:SUMMARY_LIMIT]
        ],
    }


def _credit(user: Any) -> dict[str, Any]:
    preferences = {item.project_id: item for item in credit_preference_list_mine(user=user)}
    everywhere = preferences.get(None)
    return {
        "everywhere": {
            "project": None,
            "choice": everywhere.choice if everywhere else "",
            "pseudonym": everywhere.pseudonym if everywhere else "",
            "credited_as": credit_name_for(user=user),
        },
        "projects": [
            {
                "project": project.slug,
                "choice": preferences[project.pk].choice if project.pk in preferences else "",
                "pseudonym": preferences[project.pk].pseudonym if project.pk in preferences else "",
                "credited_as": credit_name_for(user=user, project=project),
            }
            for project in credit_choice_projects(user=user)
        ],
    }


@router.get(
    "/me/credit",
    response=CreditOut,
    summary="How I am credited: everywhere, and per project I contributed to or am on the team of",
)
def get_my_credit(request: ApiRequest) -> Any:
    return _credit(request.auth)


@router.put(
    "/me/credit",
    response=CreditOut,
    summary="Choose how I am credited (an empty choice per project: as in all projects)",
)
def put_my_credit(request: ApiRequest, payload: CreditIn) -> Any:
    user = request.auth
    if payload.everywhere is not None:
        credit_preference_set(
            actor=user,
            user=user,
            choice=payload.everywhere.choice,
            pseudonym=payload.everywhere.pseudonym,
        )
    projects = {project.slug: project for project in credit_choice_projects(user=user)}
    for item in payload.projects:
        project = projects.get(item.project)
        if project is None:
            raise NotFoundError()
        if item.choice is None:
            credit_preference_clear(actor=user, user=user, project=project)
        else:
            credit_preference_set(
                actor=user,
                user=user,
                project=project,
                choice=item.choice,
                pseudonym=item.pseudonym,
            )
    return _credit(user)


@router.get(
    "/projects/{slug}/contributors",
    response=ContributorListOut,
    summary="A project's contributors as each chose to be credited (its owners and researchers)",
)
def get_project_contributors(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_contributors(actor=request.auth, slug=slug)
    contributors = contributor_list(actor=request.auth, project=project)
    return {
        "participants": contributors.participants,
        "credited": [
            {
                "name": item.name,
                "contributions": item.contributions,
                "first_contribution": item.first,
                "last_contribution": item.last,
            }
            for item in contributors.credited
        ],
        "anonymous_contributors": contributors.anonymous,
        "field_devices": contributors.field_devices,
        "acknowledgement": acknowledgement(contributors),
    }
