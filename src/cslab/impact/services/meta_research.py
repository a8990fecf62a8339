"""The meta-research feed: pseudonymous participation events of the participants who consented
to meta-research, as a Frictionless Data Package with a codebook, built by a background job for
Lab staff.

Lab staff start an export (optionally for some projects and a period); a job writes a zip of
`events.csv`, `projects.csv`, `datapackage.json` and `codebook.md` under
CSLAB_VAR_DIR/exports/meta-research/; staff download it from the feed's page until it expires
after 7 days; the daily `cslab retention` run deletes expired files
(`meta_research_exports_purge`, registered in `core.file_purges`).

Who is included (the consent rule, also stated in the codebook): a person or device whose
current consent record to the project is for the project's consent version in force, that
version asks about meta-research, and the record says yes. Devices (OpenRosa app users) are
included through their own consent records, which the team records when handing one out.
Inactive accounts (erased or closed) are left out.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import logging
import secrets
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.classification.models import Classification, SubjectComment
from cslab.consent.models import ConsentRecord
from cslab.consent.selectors import consent_version_in_force
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import InvalidInputError
from cslab.core.file_purges import register_file_purge
from cslab.core.permissions import require
from cslab.core.services.audit import audit_record
from cslab.core.services.jobs import job_start
from cslab.impact.meta_research_codebook import (
    EVENTS,
    PROJECTS,
    PSEUDONYM_HEX_DIGITS,
    codebook_markdown,
    data_package,
)
from cslab.impact.models import MetaResearchExport
from cslab.impact.vocabulary import ContributionKind
from cslab.observations.models import Observation
from cslab.privacy.archive import spreadsheet_safe
from cslab.projects.models import Project, ProjectTag
from cslab.projects.vocabulary import TagKind
from cslab.questions.models import Comment, Question

logger = logging.getLogger(__name__)

META_RESEARCH_EXPORT_JOB = "impact.meta_research_export"
EXPORT_FOLDER = Path("exports") / "meta-research"
VALID_FOR = timedelta(days=7)
MAX_PROJECTS = 200
# Contributions are not older than the platform's predecessors; a date before this is a typo.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAYS_AHEAD = 366
ROWS_PER_BATCH = 2000
# The device behind an observation without an observer (`openrosa.AppUserSubmission`).
DEVICE = "app_user_submission__app_user_id"

ProgressReporter = Callable[[int, str], None]


def _invalid(field: str, message: str) -> InvalidInputError:
    return InvalidInputError(message, details={field: [message]})


def _checked_filters(
    project_ids: list[int] | None, start: date | None, end: date | None
) -> dict[str, Any]:
    ids = sorted(set(project_ids or []))
    if len(ids) > MAX_PROJECTS:
        raise _invalid(
            "projects",
            _("Choose at most %(count)s projects, or none for every project.")
            % {"count": MAX_PROJECTS},
        )
    if ids:
        known = set(Project.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if len(known) != len(ids):
            raise _invalid("projects", _("Some of the chosen projects do not exist."))
    latest = timezone.localdate() + timedelta(days=LATEST_DAYS_AHEAD)
    for name, day in (("start", start), ("end", end)):
        if day is not None and not EARLIEST_DAY <= day <= latest:
            raise _invalid(
                name,
                _("Choose a date between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST_DAY.isoformat(), "latest": latest.isoformat()},
            )
    if start is not None and end is not None and start > end:
        raise _invalid("end", _("The end date must not be before the start date."))
    return {
        "projects": ids,
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
    }


@transaction.atomic
def meta_research_export_start(
    *,
    actor: Actor,
    project_ids: list[int] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> MetaResearchExport:
    """Start an export of the consenting participants' events (Lab staff only; 404 for others).

    `project_ids` empty or None: every project. `start` and `end` bound the local days of the
    contributions, both included. InvalidInputError for more than MAX_PROJECTS projects,
    unknown projects, dates before EARLIEST_DAY or far ahead, or an end before the start.
    """
    require(actor, "impact.meta_research.export", None)
    filters = _checked_filters(project_ids, start, end)
    export = MetaResearchExport(requested_by=person_or_none(actor), filters=filters)
    export.full_clean()
    export.save()
    export.job = job_start(
        actor=actor,
        kind=META_RESEARCH_EXPORT_JOB,
        title=_("Meta-research export"),
        arguments={"export_id": export.pk},
    )
    export.save(update_fields=["job"])
    audit_record(
        actor=actor,
        action="impact.meta_research_export.started",
        target=export,
        details={
            "projects": len(filters["projects"]),
            "start": filters["start"],
            "end": filters["end"],
        },
    )
    return export


# --------------------------------------------------------------------------- building


def export_directory() -> Path:
    """The site's var folder (CSLAB_VAR_DIR), read at call time so that tests point it
    elsewhere."""
    return Path(settings.VAR_DIR)  # type: ignore[misc]


def pseudonym(key: bytes, participant: str) -> str:
    """Return the participant's pseudonym under one export's key (see the codebook)."""
    digest = hmac.new(key, participant.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_DIGITS]


def hour_of(moment: datetime) -> str:
    """Return the moment in UTC rounded down to the hour, as ISO 8601 with Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:00:00Z")


@dataclass(frozen=True)
class _Period:
    since: datetime | None
    until: datetime | None

    @classmethod
    def of(cls, filters: dict[str, Any]) -> _Period:
        zone = timezone.get_default_timezone()

        def midnight(text: str | None, days_after: int) -> datetime | None:
            if not text:
                return None
            day = date.fromisoformat(text) + timedelta(days=days_after)
            return datetime.combine(day, time.min, tzinfo=zone)

        return cls(midnight(filters.get("start"), 0), midnight(filters.get("end"), 1))

    def limit(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.since is not None:
            queryset = queryset.filter(created_at__gte=self.since)
        if self.until is not None:
            queryset = queryset.filter(created_at__lt=self.until)
        return queryset


# (participant key, kind, stored at, public H3 cell)
_Event = tuple[str, str, datetime, str]


def _project_events(project: Project, period: _Period) -> Iterator[_Event]:
    """Yield the contributions of the project's consenting participants, kind after kind."""
    version = consent_version_in_force(project=project)
    if version is None or not version.asks_meta_research:
        return
    consenting = ConsentRecord.objects.filter(
        project=project,
        version=version,
        meta_research=True,
        withdrawn_at__isnull=True,
        superseded_at__isnull=True,
    )
    people = consenting.filter(participant__is_active=True).values("participant_id")
    devices = consenting.filter(app_user__isnull=False).values("app_user_id")
    edited = Observation.objects.filter(project=project, deprecates__isnull=False).values(
        "deprecates_id"
    )
    observations = period.limit(
        Observation.objects.filter(project=project)
        .exclude(pk__in=edited)
        .filter(Q(observer_id__in=people) | Q(observer__isnull=True, **{f"{DEVICE}__in": devices}))
    )
    for observer_id, device_id, created_at, cell in _stream(
        observations, "observer_id", DEVICE, "created_at", "public_h3_res5"
    ):
        who = f"person:{observer_id}" if observer_id is not None else f"device:{device_id}"
        yield who, ContributionKind.OBSERVATION.value, created_at, cell or ""
    by_people: tuple[tuple[str, QuerySet[Any], str], ...] = (
        (
            ContributionKind.CLASSIFICATION.value,
            Classification.objects.filter(workflow__project=project, volunteer_id__in=people),
            "volunteer_id",
        ),
        (
            ContributionKind.QUESTION.value,
            Question.objects.filter(project=project, proposer_id__in=people),
            "proposer_id",
        ),
        (
            ContributionKind.COMMENT.value,
            Comment.objects.filter(question__project=project, author_id__in=people),
            "author_id",
        ),
        (
            ContributionKind.COMMENT.value,
            SubjectComment.objects.filter(
                subject__subject_set__project=project, author_id__in=people
            ),
            "author_id",
        ),
    )
    for kind, queryset, person_column in by_people:
        for person_id, created_at in _stream(period.limit(queryset), person_column, "created_at"):
            yield f"person:{person_id}", kind, created_at, ""


def _stream(queryset: QuerySet[Any], *columns: str) -> Iterator[tuple[Any, ...]]:
    """The rows' columns in the order stored, fetched in batches (bounded memory)."""
    rows = queryset.order_by("created_at", "pk").values_list(*columns)
    yield from rows.iterator(chunk_size=ROWS_PER_BATCH)


def _domains(project_ids: set[int]) -> dict[int, list[str]]:
    domains: dict[int, list[str]] = {}
    tags = ProjectTag.objects.filter(project_id__in=project_ids, kind=TagKind.DOMAIN)
    for project_id, value in tags.order_by("value").values_list("project_id", "value"):
        domains.setdefault(project_id, []).append(value)
    return domains


@dataclass
class _Counts:
    events: int = 0
    participants: int = 0


def _write_csv(archive: zipfile.ZipFile, name: str, write: Callable[[Any], None]) -> None:
    # force_zip64: the events file's size is not known in advance and may pass 2 GiB.
    raw = archive.open(name, "w", force_zip64=True)
    with io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        write(csv.writer(text, lineterminator="\n"))


def _write_package(
    *,
    destination: Path,
    projects: list[Project],
    filters: dict[str, Any],
    report_progress: ProgressReporter,
) -> _Counts:
    key = secrets.token_bytes(32)
    period = _Period.of(filters)
    counts = _Counts()
    pseudonyms: dict[str, str] = {}
    projects_with_events: set[int] = set()

    def write_events(writer: Any) -> None:
        writer.writerow([column.name for column in EVENTS.columns])
        for index, project in enumerate(projects):
            report_progress(
                int(90 * index / max(1, len(projects))),
                gettext_noop("Collecting the participation events"),
            )
            for who, kind, created_at, cell in _project_events(project, period):
                if who not in pseudonyms:
                    pseudonyms[who] = pseudonym(key, who)
                writer.writerow([pseudonyms[who], project.slug, kind, hour_of(created_at), cell])
                counts.events += 1
                projects_with_events.add(project.pk)

    def write_projects(writer: Any) -> None:
        writer.writerow([column.name for column in PROJECTS.columns])
        domains = _domains(projects_with_events)
        for project in projects:
            if project.pk not in projects_with_events:
                continue
            writer.writerow(
                [
                    project.slug,
                    spreadsheet_safe(project.name),
                    project.faculty,
                    ";".join(domains.get(project.pk, [])),
                    project.initiator_type,
                    project.data_licence,
                ]
            )

    created = timezone.now()
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_csv(archive, EVENTS.path, write_events)
        _write_csv(archive, PROJECTS.path, write_projects)
        report_progress(95, gettext_noop("Writing the codebook"))
        descriptor = data_package(created=created, filters=filters)
        archive.writestr("datapackage.json", json.dumps(descriptor, indent=2, sort_keys=False))
        archive.writestr("codebook.md", codebook_markdown(created=created, filters=filters))
    counts.participants = len(pseudonyms)
    return counts


def meta_research_export_build(
    *, export_id: int, report_progress: ProgressReporter | None = None
) -> dict[str, Any]:
    """Write the zip of an export and mark it ready (or failed); called by the job, outside a
    transaction, one query per kind and project, reading rows in batches."""
    report = report_progress or (lambda percent, message: None)
    export = MetaResearchExport.objects.get(pk=export_id)
    ids = export.filters.get("projects") or []
    projects = Project.objects.order_by("pk")
    if ids:
        projects = projects.filter(pk__in=ids)
    relative = EXPORT_FOLDER / f"{secrets.token_hex(16)}.zip"
    destination = export_directory() / relative
    try:
        counts = _write_package(
            destination=destination,
            projects=list(projects),
            filters=export.filters,
            report_progress=report,
        )
    except Exception:
        destination.unlink(missing_ok=True)
        MetaResearchExport.objects.filter(pk=export.pk).update(
            status=MetaResearchExport.Status.FAILED
        )
        raise
    export.file_name = str(relative)
    export.events = counts.events
    export.participants = counts.participants
    export.status = MetaResearchExport.Status.READY
    export.expires_at = timezone.now() + VALID_FOR
    export.save(update_fields=["file_name", "events", "participants", "status", "expires_at"])
    report(100, gettext_noop("Done"))
    return {
        "url": reverse("meta_research_exports"),
        "events": counts.events,
        "participants": counts.participants,
    }


@transaction.atomic
def meta_research_export_record_download(
    *, actor: Actor, export: MetaResearchExport
) -> MetaResearchExport:
    """Note who downloaded the export (the view then streams the file)."""
    audit_record(
        actor=actor,
        action="impact.meta_research_export.downloaded",
        target=export,
        details={"events": export.events, "participants": export.participants},
    )
    return export


@register_file_purge("meta_research_exports")
def meta_research_exports_purge(now: datetime) -> int:
    """Delete the files of exports expired before `now` (the rows stay, marked expired, with
    their counts), and zips a dead worker left behind a day ago; return how many files."""
    deleted = 0
    root = export_directory().resolve()
    expired = MetaResearchExport.objects.filter(expires_at__lte=now).exclude(file_name="")
    for export in expired.iterator(chunk_size=500):
        path = (root / export.file_name).resolve()
        # A stored name is ours, but never follow one out of the var directory.
        if not path.is_relative_to(root):
            logger.warning("meta-research export %s lies outside %s; not removed", path, root)
        elif path.exists():
            path.unlink()
            deleted += 1
        MetaResearchExport.objects.filter(pk=export.pk).update(
            file_name="", status=MetaResearchExport.Status.EXPIRED
        )
    folder = root / EXPORT_FOLDER
    if folder.is_dir():
        kept = set(
            MetaResearchExport.objects.exclude(file_name="").values_list("file_name", flat=True)
        )
        day_ago = (now - timedelta(days=1)).timestamp()
        for path in folder.iterdir():
            if str(EXPORT_FOLDER / path.name) not in kept and path.stat().st_mtime < day_ago:
                path.unlink(missing_ok=True)
                deleted += 1
    if deleted:
        logger.info("purged %s expired meta-research export files", deleted)
    return deleted
