"""A project's public dataset described for people and machines: the landing page's figures, a
DataCite metadata record (Metadata Schema 4.x field names) and a schema.org `Dataset`.

Everything here is read as an anonymous visitor reads it, whoever views the page: the dataset
is the public data, so the counts, the time span and the bounding box come from the public
points and days (`observation_public_views`, the one place that obscures), never the true ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone, translation

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.exports.models import DataExport
from cslab.exports.writers import MEDIA_TYPES
from cslab.observations.filters import ObservationFilters
from cslab.observations.selectors import (
    form_list_for_project,
    observation_list_visible,
    observation_public_views,
)
from cslab.projects.licences import LicenceAndCitation, project_licence_and_citation
from cslab.projects.models import Project
from cslab.projects.vocabulary import ResearchDomain, TagKind

COVERAGE_BATCH_SIZE = 2000
DESCRIPTION_MIN_CHARACTERS = 50  # Google's Dataset rich result asks for 50 to 5000
DESCRIPTION_MAX_CHARACTERS = 5000


@dataclass(frozen=True)
class DatasetForm:
    form_id: str
    title: str
    observation_count: int


@dataclass(frozen=True)
class DatasetFile:
    """The newest ready public file of one form in one format."""

    export_id: int
    form_id: str
    form_title: str
    format: str
    media_type: str
    path: str  # the download's path on this site
    prepared_at: datetime


@dataclass(frozen=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True)
class Dataset:
    project: Project
    licence: LicenceAndCitation
    forms: list[DatasetForm]
    files: list[DatasetFile]
    first_day: date | None
    last_day: date | None
    box: BoundingBox | None

    @property
    def observation_count(self) -> int:
        return sum(form.observation_count for form in self.forms)


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _coverage(project: Project) -> tuple[date | None, date | None, BoundingBox | None]:
    """First and last observed day and the bounding box of the public points, read in batches
    through the public view of each observation (obscured points as the public sees them)."""
    anonymous = AnonymousUser()
    queryset = observation_list_visible(user=anonymous, project=project).order_by("id")
    days: list[date] = []
    latitudes: list[float] = []
    longitudes: list[float] = []
    last_id = 0
    while True:
        batch = list(queryset.filter(id__gt=last_id)[:COVERAGE_BATCH_SIZE])
        if not batch:
            break
        last_id = batch[-1].pk
        for view in observation_public_views(anonymous, batch):
            if view["observed_at"] is not None:
                days.append(_day(view["observed_at"]))
            if view["latitude"] is not None and view["longitude"] is not None:
                latitudes.append(view["latitude"])
                longitudes.append(view["longitude"])
        # Only the extremes are kept between batches, so memory stays flat.
        days = [min(days), max(days)] if days else []
        latitudes = [min(latitudes), max(latitudes)] if latitudes else []
        longitudes = [min(longitudes), max(longitudes)] if longitudes else []
    box = (
        BoundingBox(
            south=round(min(latitudes), 5),
            west=round(min(longitudes), 5),
            north=round(max(latitudes), 5),
            east=round(max(longitudes), 5),
        )
        if latitudes
        else None
    )
    return (min(days) if days else None, max(days) if days else None, box)


def _latest_public_files(project: Project) -> list[DatasetFile]:
    now = timezone.now()
    exports = (
        DataExport.objects.filter(
            project=project,
            scope=DataExport.Scope.PUBLIC,
            status=DataExport.Status.READY,
            expires_at__gt=now,
            form__isnull=False,
        )
        .exclude(file_name="")
        .select_related("form")
        .order_by("form__title", "form__form_id", "format", "-created_at", "-id")
    )
    files: dict[tuple[int, str], DatasetFile] = {}
    for export in exports:
        if export.form is None or export.form_id is None:
            continue  # filtered out above; this tells the type checker
        key = (export.form_id, export.format)
        if key in files:
            continue  # an older file of the same form and format
        files[key] = DatasetFile(
            export_id=export.pk,
            form_id=export.form.form_id,
            form_title=export.form.title,
            format=export.format,
            media_type=MEDIA_TYPES.get(export.format, "application/octet-stream"),
            path=reverse(
                "project_data_export_download",
                kwargs={"slug": project.slug, "export_id": export.pk},
            ),
            prepared_at=export.created_at,
        )
    return list(files.values())


def dataset_get_for_project(*, user: Actor, project: Project) -> Dataset:
    """The project's public dataset; NotFoundError when `user` may not see the project.

    The figures are those of the public data whoever asks, so a lead sees what the world sees.
    """
    forms = list(form_list_for_project(user=user, project=project))
    anonymous = AnonymousUser()
    # A project the public may not see has no public data: its forms are listed, empty.
    public = permissions.has_permission(anonymous, "project.view", project)
    counts = {
        form.form_id: (
            observation_list_visible(
                user=anonymous, project=project, filters=ObservationFilters(form_id=form.form_id)
            ).count()
            if public
            else 0
        )
        for form in forms
    }
    first_day, last_day, box = _coverage(project) if public else (None, None, None)
    dataset_forms = [
        DatasetForm(form_id=form.form_id, title=form.title, observation_count=counts[form.form_id])
        for form in forms
    ]
    return Dataset(
        project=project,
        licence=project_licence_and_citation(project),
        forms=dataset_forms,
        files=_latest_public_files(project) if public else [],
        first_day=first_day,
        last_day=last_day,
        box=box,
    )


def _keywords(project: Project) -> list[str]:
    with translation.override("en"):
        return project.tags_of(TagKind.KEYWORD) + [
            str(ResearchDomain(value).label) if value in ResearchDomain.values else value
            for value in project.tags_of(TagKind.DOMAIN)
        ]


def _creator_name(project: Project) -> str:
    # The data is the project's, made by its volunteers: credit the organisation behind it, or
    # the project itself; no volunteer is named (a public dataset holds no personal data).
    return project.organisation.name if project.organisation is not None else project.name


def dataset_description(dataset: Dataset) -> str:
    """The project's description, between 50 and 5000 characters: a short one is followed by
    what the data holds and the citation, a long one cut at a word."""
    project = dataset.project
    text = (project.description.strip() or project.aim.strip()).strip()
    if len(text) < DESCRIPTION_MIN_CHARACTERS:
        holds = (
            f"Citizen-science observations of the project {project.name}: "
            f"{dataset.observation_count} public observations in {len(dataset.forms)} form(s), "
            "with locations as the public sees them and no personal data."
        )
        text = " ".join(part for part in [text, holds, dataset.licence.citation] if part)
    if len(text) > DESCRIPTION_MAX_CHARACTERS:
        cut = text[: DESCRIPTION_MAX_CHARACTERS - 1].rsplit(" ", 1)[0]
        text = cut + "…"
    return text


def dataset_datacite(dataset: Dataset, *, base_url: str) -> dict[str, Any]:
    """The dataset as a DataCite metadata record (Metadata Schema 4.x names, JSON)."""
    project = dataset.project
    landing = urljoin(base_url, reverse("project_dataset", kwargs={"slug": project.slug}))
    year = (
        project.start_date.year
        if project.start_date
        else (project.created_at or timezone.now()).year
    )
    record: dict[str, Any] = {
        "identifiers": [{"identifier": landing, "identifierType": "URL"}],
        "creators": [{"name": _creator_name(project), "nameType": "Organizational"}],
        "titles": [{"title": f"{project.name}: citizen-science observations", "lang": "en"}],
        "publisher": {"name": _creator_name(project)},
        "publicationYear": str(year),
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Observations"},
        "subjects": [{"subject": keyword} for keyword in _keywords(project)],
        "dates": [],
        "language": (project.tags_of(TagKind.LANGUAGE) or ["en"])[0],
        "rightsList": [
            {
                "rights": dataset.licence.licence_name,
                "rightsUri": dataset.licence.licence_url,
                "rightsIdentifier": dataset.licence.licence,
                "rightsIdentifierScheme": "SPDX",
            }
        ],
        "descriptions": [
            {"description": dataset_description(dataset), "descriptionType": "Abstract"}
        ],
        "geoLocations": [],
        "formats": sorted({file.media_type for file in dataset.files}),
        "version": (
            max(file.prepared_at for file in dataset.files).date().isoformat()
            if dataset.files
            else None
        ),
        "url": landing,
    }
    if dataset.first_day and dataset.last_day:
        record["dates"].append(
            {
                "date": f"{dataset.first_day.isoformat()}/{dataset.last_day.isoformat()}",
                "dateType": "Collected",
            }
        )
    if dataset.box is not None:
        record["geoLocations"].append(
            {
                "geoLocationBox": {
                    "southBoundLatitude": dataset.box.south,
                    "westBoundLongitude": dataset.box.west,
                    "northBoundLatitude": dataset.box.north,
                    "eastBoundLongitude": dataset.box.east,
                }
            }
        )
    return record


def dataset_jsonld(dataset: Dataset, *, base_url: str) -> dict[str, Any]:
    """The dataset as a schema.org `Dataset` (Google's Dataset rich result properties)."""
    project = dataset.project
    landing = urljoin(base_url, reverse("project_dataset", kwargs={"slug": project.slug}))
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": f"{landing}#dataset",
        "name": f"{project.name}: citizen-science observations",
        "description": dataset_description(dataset),
        "url": landing,
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": _creator_name(project)},
        "citation": dataset.licence.citation,
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": settings.SITE_NAME,
            "url": urljoin(base_url, "/"),
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"{file.form_title} ({file.format})",
                "contentUrl": urljoin(base_url, file.path),
                "encodingFormat": file.media_type,
            }
            for file in dataset.files
        ],
    }
    if dataset.licence.licence_url:
        document["license"] = dataset.licence.licence_url
    keywords = _keywords(project)
    if keywords:
        document["keywords"] = keywords
    if dataset.first_day and dataset.last_day:
        document["temporalCoverage"] = (
            f"{dataset.first_day.isoformat()}/{dataset.last_day.isoformat()}"
        )
    if dataset.box is not None:
        box = dataset.box
        document["spatialCoverage"] = {
            "@type": "Place",
            "geo": {
                "@type": "GeoShape",
                "box": f"{box.south} {box.west} {box.north} {box.east}",
            },
        }
    return document
