"""The impact API: a project's outputs (list, add one, import BibTeX or RIS) and its impact
statements (list, record, remove)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cslab.api.auth import ANYONE, SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.impact.selectors import output_list_for_project
from cslab.impact.selectors.statements import (
    impact_statement_get_for_managing,
    impact_statement_list_for_project,
)
from cslab.impact.services.output_import import MAX_IMPORT_BYTES, outputs_import
from cslab.impact.services.outputs import OutputInput, output_create
from cslab.impact.services.statements import (
    DESCRIPTION_MAX,
    ImpactStatementInput,
    impact_statement_create,
    impact_statement_delete,
)
from cslab.impact.vocabulary import ImpactKind, OutputKind
from cslab.projects.selectors import project_get_for_viewing

router = Router(tags=["impact"])


class OutputOut(Schema):
    id: int
    kind: str
    title: str
    authors: str
    published_on: date | None
    doi: str
    url: str
    summary: str
    venue: str


class OutputIn(Schema):
    kind: str = Field(..., max_length=20, description=f"One of {', '.join(OutputKind.values)}.")
    title: str = Field(..., min_length=1, max_length=500)
    authors: str = Field("", max_length=5000, description="“First Last; First Last”.")
    published_on: date | None = None
    doi: str = Field("", max_length=250, description="10.1234/abcd, or with https://doi.org/.")
    url: str = Field("", max_length=500, description="An http(s) address, if there is no DOI.")
    summary: str = Field("", max_length=5000)
    venue: str = Field("", max_length=300, description="Journal, publisher or repository.")


class OutputImportIn(Schema):
    format: Literal["auto", "bibtex", "ris"] = Field(
        "auto", description="auto: RIS when the first line is a tag line, else BibTeX."
    )
    text: str = Field(..., min_length=1, max_length=MAX_IMPORT_BYTES)


class RefusedEntryOut(Schema):
    entry: str
    reason: str


class ImportedEntryOut(Schema):
    entry: str
    title: str
    outcome: Literal["created", "linked", "unchanged"]
    output_id: int


class OutputImportOut(Schema):
    created: int
    linked: int = Field(..., description="Known already (same DOI, or title and year), linked.")
    unchanged: int = Field(..., description="Already an output of the project.")
    refused: list[RefusedEntryOut]
    entries: list[ImportedEntryOut]


class ImpactStatementOut(Schema):
    id: int
    kind: str
    description: str
    evidence_url: str
    occurred_on: date | None
    created_at: datetime


class ImpactStatementIn(Schema):
    kind: str = Field(..., max_length=20, description=f"One of {', '.join(ImpactKind.values)}.")
    description: str = Field(..., min_length=1, max_length=DESCRIPTION_MAX, description="Markdown")
    evidence_url: str = Field("", max_length=500, description="An http(s) address.")
    occurred_on: date | None = None


@router.get(
    "/projects/{slug}/outputs",
    response=list[OutputOut],
    auth=ANYONE,
    summary="A project's outputs (papers, datasets, software, policy briefs), newest first",
)
@paginate(CursorPagination)
def list_project_outputs(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return output_list_for_project(project=project)


@router.post(
    "/projects/{slug}/outputs",
    response={201: OutputOut},
    auth=SIGNED_IN,
    summary="Add an output to a project (its owners and researchers, Lab staff)",
)
def create_project_output(request: ApiRequest, slug: str, payload: OutputIn) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    output = output_create(actor=request.auth, project=project, data=OutputInput(**payload.dict()))
    return Status(201, output)


@router.post(
    "/projects/{slug}/outputs/import",
    response=OutputImportOut,
    auth=SIGNED_IN,
    summary="Import a project's outputs from BibTeX or RIS (at most 2 MB and 500 entries)",
)
def import_project_outputs(request: ApiRequest, slug: str, payload: OutputImportIn) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    report = outputs_import(
        actor=request.auth, project=project, text=payload.text, format=payload.format
    )
    return {
        "created": report.created,
        "linked": report.linked,
        "unchanged": report.unchanged,
        "refused": [{"entry": label, "reason": reason} for label, reason in report.refused],
        "entries": [
            {
                "entry": entry.label,
                "title": entry.title,
                "outcome": entry.outcome,
                "output_id": entry.output_id,
            }
            for entry in report.entries
        ],
    }


@router.get(
    "/projects/{slug}/impact-statements",
    response=list[ImpactStatementOut],
    auth=ANYONE,
    summary="What changed because of a project (its impact statements), latest first",
)
@paginate(CursorPagination)
def list_impact_statements(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return impact_statement_list_for_project(project=project)


@router.post(
    "/projects/{slug}/impact-statements",
    response={201: ImpactStatementOut},
    auth=SIGNED_IN,
    summary="Record an impact of a project (its owners and researchers, Lab staff)",
)
def create_impact_statement(request: ApiRequest, slug: str, payload: ImpactStatementIn) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    statement = impact_statement_create(
        actor=request.auth, project=project, data=ImpactStatementInput(**payload.dict())
    )
    return Status(201, statement)


@router.delete(
    "/projects/{slug}/impact-statements/{statement_id}",
    response={204: None},
    auth=SIGNED_IN,
    summary="Remove an impact statement of a project (its owners and researchers, Lab staff)",
)
def delete_impact_statement(request: ApiRequest, slug: str, statement_id: int) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    statement = impact_statement_get_for_managing(
        actor=request.auth, project=project, statement_id=statement_id
    )
    impact_statement_delete(actor=request.auth, project=project, statement=statement)
    return Status(204, None)
