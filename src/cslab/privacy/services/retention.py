"""Retention: raw personal data removed once its period has passed (GDPR Art. 5(1)(e)).

Two kinds of periods:

* per project (`Project.personal_data_retention_days`, empty = kept): the exact locations of
  obscured and private observations (the true point, its H3 cells and its accuracy are replaced
  by what the public already sees), and what attendees of the project's events told the
  organisers (dietary and accessibility needs, organisation, consent to be contacted) once the
  event has ended;
* site-wide, fixed (`SITE_RETENTION`): expired personal-data export files, the results of
  finished personal-data export jobs, expired sign-in sessions.

`retention_apply` is idempotent (a second run finds nothing to do) and changes rows with one
UPDATE per kind and project, never row by row, so a project of a million observations costs
the same memory as one of ten. It writes one audit entry per project touched, with counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F, Func, JSONField, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cslab.core.file_purges import file_purges
from cslab.core.models import Job
from cslab.core.services.audit import audit_record
from cslab.events.models import Registration
from cslab.forms.form_definition import FormDefinition
from cslab.forms.models import FormVersion
from cslab.observations import map_counts
from cslab.observations.geoprivacy import INDEX_RESOLUTIONS
from cslab.observations.models import Observation
from cslab.privacy.services.export import PERSONAL_DATA_EXPORT_JOB, personal_data_exports_purge
from cslab.projects.models import Project

logger = logging.getLogger(__name__)

# Job kinds whose stored result holds a copy of someone's personal data.
PERSONAL_DATA_JOB_KINDS = ("accounts.data_export", PERSONAL_DATA_EXPORT_JOB)
# How many export files are removed per query, so that memory stays bounded.
_EXPORT_BATCH = 500


@dataclass(frozen=True)
class RetentionPeriod:
    """One line of the retention table: what is kept, for how long, and why."""

    key: str
    what: str | Promise
    kept_for: str | Promise
    why: str | Promise
    # None: the period is not enforced by `retention_apply` (set per project, or not stored).
    period: timedelta | None = None


SITE_RETENTION: tuple[RetentionPeriod, ...] = (
    RetentionPeriod(
        "personal_data_exports",
        _("Files of your personal-data exports"),
        _("until the download link expires"),
        _("so that you can download what you asked for, and no copy lingers afterwards"),
        period=timedelta(0),
    ),
    RetentionPeriod(
        "personal_data_job_results",
        _("Copies of your data held by a finished export job"),
        _("7 days after the job finished"),
        _("so that the job's result page works for a short while"),
        period=timedelta(days=7),
    ),
    RetentionPeriod(
        "sessions",
        _("Sign-in sessions"),
        _("until they expire (at most two weeks without signing in again)"),
        _("to keep you signed in"),
        period=timedelta(0),
    ),
    RetentionPeriod(
        "request_addresses",
        _("IP addresses of requests"),
        _("not stored in the database; only in the server logs, which are rotated"),
        _("to keep the service secure and to find faults"),
    ),
)
PROJECT_RETENTION: tuple[RetentionPeriod, ...] = (
    RetentionPeriod(
        "exact_locations",
        _("Exact locations of obscured and private observations"),
        _("as long as the project's retention period says, counted from submission"),
        _(
            "the project's researchers need them for analysis; afterwards only the public "
            "(obscured) location stays"
        ),
    ),
    RetentionPeriod(
        "registration_answers",
        _(
            "Dietary and accessibility needs, organisation and contact consent of attendees of "
            "a project's events"
        ),
        _("as long as the project's retention period says, counted from the end of the event"),
        _("the organisers need them to run the event"),
    ),
)


@dataclass
class RetentionReport:
    """What one run removed: per project slug and per site-wide kind, counts of rows."""

    projects: dict[str, dict[str, int]] = field(default_factory=dict)
    site: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"projects": self.projects, "site": self.site}


def retention_apply(*, now: datetime) -> RetentionReport:
    """Remove every piece of raw personal data whose retention period ended before `now`.

    Each project is handled in its own transaction with its audit entry, so a failure in one
    project leaves the others done.
    """
    report = RetentionReport()
    projects = Project.objects.filter(personal_data_retention_days__isnull=False).order_by("pk")
    for project in projects.only("pk", "slug", "name", "personal_data_retention_days"):
        counts = _project_retention_apply(project=project, now=now)
        if any(counts.values()):
            report.projects[project.slug] = counts
    report.site = _site_retention_apply(now=now)
    return report


def _observations_past(project: Project, cutoff: datetime) -> Any:
    hidden = Q(geoprivacy__in=[Observation.Geoprivacy.OBSCURED, Observation.Geoprivacy.PRIVATE])
    hidden |= Q(geoprivacy_forced=True)
    differs = Q(accuracy__isnull=False)
    for column in ("latitude", "longitude"):
        public = f"public_{column}"
        differs |= Q(**{f"{column}__isnull": False, f"{public}__isnull": True})
        differs |= Q(**{f"{column}__isnull": True, f"{public}__isnull": False})
        differs |= Q(**{f"{column}__lt": F(public)}) | Q(**{f"{column}__gt": F(public)})
    for resolution in INDEX_RESOLUTIONS:
        differs |= ~Q(**{f"h3_res{resolution}": F(f"public_h3_res{resolution}")})
    return Observation.objects.filter(hidden, differs, project=project, created_at__lt=cutoff)


class _JsonWithoutKeys(Func):
    """The JSON object without some top-level keys, in one SQL expression (no row read)."""

    output_field = JSONField()

    def __init__(self, expression: Any, keys: list[str]) -> None:
        super().__init__(expression)
        self.keys = keys

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        inner, parameters = compiler.compile(self.source_expressions[0])
        paths = ", ".join(["%s"] * len(self.keys))
        quoted = ['$."' + key.replace('"', '""') + '"' for key in self.keys]
        return f"json_remove({inner}, {paths})", [*parameters, *quoted]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        inner, parameters = compiler.compile(self.source_expressions[0])
        return f"({inner} - %s::text[])", [*parameters, self.keys]


def _location_questions(stored: dict[str, Any] | None) -> list[str]:
    """Names of the location questions answered at the top level of a form version."""
    if not stored:
        return []
    return sorted(
        {
            question.name
            for question in FormDefinition.from_json(stored).answered()
            if question.kind.is_location
        }
    )


def _location_answers_remove(project: Project, cutoff: datetime) -> int:
    """Remove location answers (a geopoint is the exact place too) of the hidden observations
    past the cutoff: one UPDATE per form version that has location questions."""
    removed = 0
    hidden = Q(geoprivacy__in=[Observation.Geoprivacy.OBSCURED, Observation.Geoprivacy.PRIVATE])
    hidden |= Q(geoprivacy_forced=True)
    versions = FormVersion.objects.filter(form__project=project).values_list("pk", "definition")
    for version_id, stored in versions.iterator():
        names = _location_questions(stored)
        if not names:
            continue
        holding = Q()
        for name in names:
            holding |= Q(answers__has_key=name)
        removed += Observation.objects.filter(
            hidden, holding, form_version_id=version_id, created_at__lt=cutoff
        ).update(answers=_JsonWithoutKeys(F("answers"), names))
    return removed


def _registrations_past(project: Project, cutoff: datetime) -> Any:
    holds_answers = (~Q(dietary_needs="") | ~Q(accessibility_needs="") | ~Q(organisation="")) | Q(
        contact_consent=True
    )
    return Registration.objects.filter(
        holds_answers, event__project=project, event__ends_at__lt=cutoff
    )


def _project_retention_apply(*, project: Project, now: datetime) -> dict[str, int]:
    assert project.personal_data_retention_days is not None  # noqa: S101 (filtered above)
    cutoff = now - timedelta(days=project.personal_data_retention_days)
    # The map's true-location counts follow: these observations move to their public cells.
    moving = _observations_past(project, cutoff)
    with transaction.atomic(), map_counts.observations_changing(moving):
        locations = _observations_past(project, cutoff).update(
            latitude=F("public_latitude"),
            longitude=F("public_longitude"),
            accuracy=None,
            **{
                f"h3_res{resolution}": F(f"public_h3_res{resolution}")
                for resolution in INDEX_RESOLUTIONS
            },
        )
        location_answers = _location_answers_remove(project, cutoff)
        registrations = _registrations_past(project, cutoff).update(
            dietary_needs="", accessibility_needs="", organisation="", contact_consent=False
        )
        counts = {
            "exact_locations": locations,
            "location_answers": location_answers,
            "registration_answers": registrations,
        }
        if any(counts.values()):
            audit_record(
                actor=None,
                action="retention.applied",
                target=project,
                details={"retention_days": project.personal_data_retention_days, **counts},
            )
    return counts


def _site_retention_apply(*, now: datetime) -> dict[str, int]:
    periods = {period.key: period.period for period in SITE_RETENTION if period.period is not None}
    counts = {
        "personal_data_exports": _export_files_remove(now - periods["personal_data_exports"]),
        "personal_data_job_results": Job.objects.filter(
            kind__in=PERSONAL_DATA_JOB_KINDS,
            finished_at__lt=now - periods["personal_data_job_results"],
            result__isnull=False,
        ).update(result=None),
        "sessions": Session.objects.filter(expire_date__lt=now - periods["sessions"]).delete()[0],
        # Expired files of areas above this one (the meta-research exports of impact).
        **{key: purge(now) for key, purge in file_purges().items()},
    }
    if any(counts.values()):
        audit_record(actor=None, action="retention.applied", details={"site": counts})
    return counts


def _export_files_remove(cutoff: datetime) -> int:
    """Delete the zip of every export that expired before `cutoff`; return how many (the
    export area's own purge, so there is one rule for what an expired export keeps)."""
    return personal_data_exports_purge(now=cutoff)
