"""Writes of outputs: a project's owners and researchers (and Lab staff) record the papers,
datasets and policy briefs that came from it, so its contributors see where their work went."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.impact.models import Output
from cslab.impact.vocabulary import OutputKind
from cslab.projects.models import Project

DOI_PATTERN = re.compile(r"10\.\d{4,9}/\S+")
DOI_RESOLVERS = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")
DOI_MAX = 200
# A handful is plenty; a bound keeps a hostile form from linking thousands of rows.
MAX_LINKED_PROJECTS = 20
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class OutputInput:
    """What a team gives about an output; the service checks and normalises it."""

    kind: str
    title: str
    authors: str = ""
    published_on: date | None = None
    doi: str = ""
    url: str = ""
    summary: str = ""
    venue: str = ""
    # Further projects the output came from, each one the actor manages.
    also_projects: list[Project] = field(default_factory=list)


def normalised_doi(text: str) -> str:
    """Return the DOI without its resolver or "doi:" prefix ("10.1234/abc"), "" for none, or
    raise InvalidInputError when it does not look like a DOI."""
    doi = (text or "").strip()
    for prefix in (*DOI_RESOLVERS, "doi:"):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
            break
    if not doi:
        return ""
    if len(doi) > DOI_MAX or not DOI_PATTERN.fullmatch(doi):
        message = _("A DOI looks like 10.1234/abcd (you may paste it with https://doi.org/).")
        raise InvalidInputError(message, code=ProblemCode.INVALID_DOI, details={"doi": [message]})
    return doi


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.findall(r"\w+", letters)


def output_fingerprint(title: str, published_on: date | None, authors: str = "") -> str:
    """Return the SHA-256 of the normalised title, year and first author's last name: the
    same for "Bees, prefer blue!" and "bees prefer  BLUE" of one year by one first author, so
    an output without a DOI is recognised again, while two teams' "Annual report 2024" stay
    two outputs."""
    year = str(published_on.year) if published_on else ""
    # Authors are stored as "First Last; First Last"; the last word of the first one.
    first_author = _words(authors.split(";")[0])
    surname = first_author[-1] if first_author else ""
    key = f"{' '.join(_words(title))}|{year}|{surname}"
    return hashlib.sha256(key.encode()).hexdigest()


def _errors_of(data: OutputInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.kind not in OutputKind.values:
        errors["kind"] = [_("Choose what kind of output this is.")]
    if not data.title.strip():
        errors["title"] = [_("Give the output's title.")]
    if data.url:
        try:
            _url_validator(data.url)
        except ValidationError:
            errors["url"] = [_("Give a web address starting with https:// or http://.")]
    if len(data.also_projects) > MAX_LINKED_PROJECTS:
        errors["projects"] = [
            _("Link at most %(count)d projects.") % {"count": MAX_LINKED_PROJECTS}
        ]
    return errors


def output_fill(output: Output, data: OutputInput) -> None:
    """Check the input and copy it, normalised, onto the (unsaved) output; raise
    InvalidInputError with per-field details. Uniqueness is left to the save."""
    errors = _errors_of(data)
    try:
        output.doi = normalised_doi(data.doi)
    except InvalidInputError as error:
        errors.update(error.details)
    output.kind = data.kind
    output.title = " ".join(data.title.split())
    output.authors = data.authors.strip()
    output.published_on = data.published_on
    output.url = data.url.strip()
    output.summary = data.summary.strip()
    output.venue = " ".join(data.venue.split())
    # An output with a DOI is known by it; one without by its title and year.
    output.fingerprint = (
        "" if output.doi else output_fingerprint(output.title, output.published_on, output.authors)
    )
    try:
        # Uniqueness of the DOI is the database's to decide, at save.
        output.full_clean(exclude=["projects", "created_by"], validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        code = ProblemCode.INVALID_DOI if list(errors) == ["doi"] else ProblemCode.INVALID_INPUT
        raise InvalidInputError(_("Please correct the errors below."), code=code, details=errors)


def output_find_same(output: Output) -> Output | None:
    """Return the stored output that is the same as this one (same DOI, or without a DOI same
    title and year), other than itself."""
    others = Output.objects.exclude(pk=output.pk) if output.pk else Output.objects.all()
    if output.doi:
        return others.filter(doi=output.doi).first()
    if output.fingerprint:
        return others.filter(fingerprint=output.fingerprint).first()
    return None


def _save(output: Output, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            output.save(**kwargs)
    except IntegrityError:
        if output.doi:
            message = _("Another output already has this DOI.")
            raise ConflictError(
                message, code=ProblemCode.OUTPUT_DOI_TAKEN, details={"doi": [message]}
            ) from None
        message = _(
            "An output with this title and date is recorded already. Give its DOI, or a title "
            "that tells it apart."
        )
        raise ConflictError(message, details={"title": [message]}) from None


def _check_linkable(actor: Actor, projects: Iterable[Project]) -> None:
    for project in projects:
        if not permissions.has_permission(actor, "impact.output.manage", project):
            message = _("You can only link projects whose outputs you manage.")
            raise InvalidInputError(message, details={"projects": [message]})


@transaction.atomic
def output_create(*, actor: Actor, project: Project, data: OutputInput) -> Output:
    """Record an output of the project (and of the further projects given, each one the actor
    manages)."""
    permissions.require(actor, "impact.output.manage", project)
    _check_linkable(actor, data.also_projects)
    output = Output(created_by=person_or_none(actor))
    output_fill(output, data)
    _save(output)
    output.projects.add(project, *data.also_projects)
    audit_record(
        actor=actor, action="impact.output_created", target=project, details={"output": output.pk}
    )
    return output


@transaction.atomic
def output_update(*, actor: Actor, project: Project, output: Output, data: OutputInput) -> Output:
    """Change an output of the project; further projects given are linked as well."""
    permissions.require(actor, "impact.output.manage", project)
    _check_linkable(actor, data.also_projects)
    output_fill(output, data)
    _save(
        output,
        update_fields=[
            "kind",
            "title",
            "authors",
            "published_on",
            "doi",
            "url",
            "summary",
            "venue",
            "fingerprint",
        ],
    )
    if data.also_projects:
        output.projects.add(*data.also_projects)
    audit_record(
        actor=actor, action="impact.output_updated", target=project, details={"output": output.pk}
    )
    return output


@transaction.atomic
def output_delete(*, actor: Actor, project: Project, output: Output) -> None:
    """Take the output off the project; remove it altogether once no project lists it (a team
    may not remove what another project still shows)."""
    permissions.require(actor, "impact.output.manage", project)
    output.projects.remove(project)
    remaining = output.projects.exists()
    if not remaining:
        output.delete()
    audit_record(
        actor=actor,
        action="impact.output_deleted" if not remaining else "impact.output_unlinked",
        target=project,
        details={"output": output.pk if remaining else None, "title": output.title[:200]},
    )
