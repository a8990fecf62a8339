"""Reads for PPSR Core: one project's record, the catalogue of listed projects, import jobs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.sites.models import Site
from django.db.models import QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.core.models import Job
from cslab.ppsr import records as ppsr
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing, project_list_listed
from cslab.projects.vocabulary import TagKind

# An identifier at the origin that is already globally unique stays the record's projectId.
_GLOBAL_IDENTIFIER = re.compile(r"^(https?://|urn:)", re.IGNORECASE)
_NO_REPLY = re.compile(r"^(no-?reply|do-?not-?reply)[@+.-]", re.IGNORECASE)


@dataclass(frozen=True)
class _Site:
    url: str
    name: str
    email: str

    @classmethod
    def current(cls) -> _Site:
        # The site's sender address stands in for a project without a contact address, unless
        # it is a no-reply address, which would mislead more than an empty one.
        email = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        if _NO_REPLY.match(email):
            email = ""
        return cls(
            url=settings.SITE_URL.rstrip("/"), name=Site.objects.get_current().name, email=email
        )


def ppsr_record_get_for_viewing(*, user: Actor, slug: str) -> dict[str, Any]:
    """Return the PPSR Core record of a project the viewer may see; NotFoundError otherwise."""
    project = project_get_for_viewing(user=user, slug=slug)
    return ppsr.project_record(_project_data(project, _Site.current()))


def ppsr_record_list_listed() -> list[dict[str, Any]]:
    """Return the PPSR Core records of every listed (public and approved) project.

    Two queries whatever the number of projects: the projects with their organisations, and
    their tags.
    """
    projects = (
        project_list_listed().select_related("organisation").prefetch_related("tags").order_by("pk")
    )
    site = _Site.current()
    return [ppsr.project_record(_project_data(project, site)) for project in projects]


def ppsr_import_job_list(*, user: Actor) -> QuerySet[Job]:
    """Return the PPSR Core import jobs (previews and imports), newest first; Lab staff only."""
    permissions.require(user, "ppsr.import")
    return (
        Job.objects.filter(kind=ppsr.IMPORT_JOB_KIND)
        .select_related("started_by")
        .defer("result")
        .order_by("-created_at")
    )


def ppsr_import_job_get(*, user: Actor, job_id: Any) -> Job:
    """Return one PPSR Core import job; NotFoundError for anyone but Lab staff."""
    permissions.require(user, "ppsr.import")
    job = Job.objects.filter(pk=job_id, kind=ppsr.IMPORT_JOB_KIND).first()
    if job is None:
        raise NotFoundError()
    return job


def _project_data(project: Project, site: _Site) -> ppsr.ProjectData:
    page_url = urljoin(f"{site.url}/", project.get_absolute_url())
    if project.origin and _GLOBAL_IDENTIFIER.match(project.external_id):
        project_id = project.external_id
    else:
        project_id = f"{site.url}/projects/{project.slug}"
    return ppsr.ProjectData(
        project_id=project_id,
        page_url=page_url,
        name=project.name,
        status=project.status,
        created_at=project.created_at,
        updated_at=project.updated_at,
        aim=project.aim,
        description=project.description,
        start_date=project.start_date,
        end_date=project.end_date,
        approved_at=project.approved_at,
        science_types=project.tags_of(TagKind.SCIENCE_TYPE),
        domains=project.tags_of(TagKind.DOMAIN),
        faculty=project.faculty,
        keywords=project.tags_of(TagKind.KEYWORD),
        languages=project.tags_of(TagKind.LANGUAGE),
        countries=project.tags_of(TagKind.COUNTRY),
        ppsr_tags=project.tags_of(TagKind.PPSR_TAG),
        difficulty=project.difficulty,
        website=project.website,
        responsible_party_name=(
            project.organisation.name if project.organisation is not None else ""
        ),
        fallback_party_name=site.name,
        contact_name=project.contact_name,
        contact_email=project.contact_email,
        fallback_language=settings.LANGUAGE_CODE,
        fallback_email=site.email,
        locality=project.locality,
        geographic_extent=project.geographic_extent,
        centre_latitude=project.centre_latitude,
        centre_longitude=project.centre_longitude,
        image_url=urljoin(f"{site.url}/", project.image_url) if project.image else "",
        image_credit=project.image_credit,
    )
