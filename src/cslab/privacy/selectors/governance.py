"""Reads of the data-protection area: what the privacy notice says, page-view counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet, Sum

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.personal_data import Section, sections
from cslab.privacy.models import PageViewCount
from cslab.privacy.services.retention import PROJECT_RETENTION, SITE_RETENTION, RetentionPeriod
from cslab.projects.licences import LICENCE_DEEDS
from cslab.projects.vocabulary import DataLicence


@dataclass(frozen=True)
class LicenceLine:
    name: str
    url: str


@dataclass(frozen=True)
class PrivacyNoticeFacts:
    """What the privacy notice generates from the registries rather than repeats by hand."""

    sections: list[Section]  # what the personal-data export holds, area by area
    site_retention: tuple[RetentionPeriod, ...]
    project_retention: tuple[RetentionPeriod, ...]
    licences: list[LicenceLine]
    contact_email: str


def privacy_notice_facts() -> PrivacyNoticeFacts:
    """The parts of the privacy notice that follow the code: export sections, retention
    periods, data licences, the contact address."""
    return PrivacyNoticeFacts(
        sections=sections(),
        site_retention=SITE_RETENTION,
        project_retention=PROJECT_RETENTION,
        licences=[
            LicenceLine(name=str(label), url=LICENCE_DEEDS[code])
            for code, label in DataLicence.choices
        ],
        contact_email=settings.PRIVACY_CONTACT_EMAIL,
    )


# --------------------------------------------------------------------------- page views

PAGE_VIEW_PERIODS = {"7": 7, "30": 30, "365": 365}
DEFAULT_PAGE_VIEW_PERIOD = "30"
TOP_PAGES = 100


@dataclass(frozen=True)
class PageViewTotals:
    first_day: date
    last_day: date
    total: int
    pages: QuerySet[PageViewCount, dict[str, object]]


def page_view_totals(*, user: Actor, days: int, today: date) -> PageViewTotals:
    """The most viewed pages of the last `days` days up to `today`, with their views (staff)."""
    permissions.require(user, "privacy.page_views.view")
    first_day = today - timedelta(days=days - 1)
    counts = PageViewCount.objects.filter(day__gte=first_day, day__lte=today)
    pages = (
        counts.values("path").annotate(total=Sum("views")).order_by("-total", "path")[:TOP_PAGES]
    )
    total = counts.aggregate(total=Sum("views"))["total"] or 0
    return PageViewTotals(first_day=first_day, last_day=today, total=total, pages=pages)
