"""A project's data licence and citation, and its embargo: the one place every page and export
reads them from (observation pages, classification results, CSV/GeoJSON/JSON exports, and the
export formats to come).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.core.site import site_absolute_url
from cslab.projects.models import Project
from cslab.projects.vocabulary import DataLicence

# The Creative Commons deed of each licence a project may choose.
LICENCE_DEEDS: dict[str, str] = {
    DataLicence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    DataLicence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    DataLicence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
}


@dataclass(frozen=True)
class LicenceAndCitation:
    """What travels with a project's data: the licence (SPDX id, name, deed) and how to cite."""

    licence: str  # SPDX identifier, e.g. "CC-BY-4.0"
    licence_name: str  # e.g. "CC BY 4.0"
    licence_url: str  # the Creative Commons deed
    citation: str

    def as_dict(self) -> dict[str, str]:
        return {
            "licence": self.licence,
            "licence_name": self.licence_name,
            "licence_url": self.licence_url,
            "citation": self.citation,
        }

    def comment_lines(self) -> list[str]:
        """The licence and the citation as lines for the head of a text export."""
        return [
            f"Licence: {self.licence_name} ({self.licence_url})",
            f"Citation: {self.citation}",
        ]


def project_licence_and_citation(project: Project, *, on: date | None = None) -> LicenceAndCitation:
    """Return the project's licence and a citation of its data as retrieved on `on` (today).

    The citation is in the language of the request (the words "Retrieved") only where it is
    shown on a page; exports are read by machines and researchers, so their caller may wrap
    this in `translation.override("en")`.
    """
    code = project.data_licence or DataLicence.CC_BY
    name = DataLicence(code).label if code in DataLicence.values else code
    day = on or timezone.localdate()
    if project.start_date is not None:
        year = project.start_date.year
    else:
        year = project.created_at.year if project.created_at else day.year
    citation = _(
        "%(project)s (%(year)s). Citizen-science data, %(site)s. %(url)s. "
        "Retrieved %(day)s. Licence: %(licence)s."
    ) % {
        "project": project.name,
        "year": year,
        "site": settings.SITE_NAME,
        "url": site_absolute_url(project.get_absolute_url()),
        "day": day.isoformat(),
        "licence": name,
    }
    return LicenceAndCitation(
        licence=str(code),
        licence_name=str(name),
        licence_url=LICENCE_DEEDS.get(code, ""),
        citation=citation,
    )


def is_under_embargo(project: Project, *, on: date | None = None) -> bool:
    """True while the project's data embargo lasts: up to and including its last day."""
    until = project.data_embargo_until
    return until is not None and (on or timezone.localdate()) <= until
