"""The impact roll-ups: new contributions are added to them incrementally (from each
project's watermarks in `RollupState`), and a project's rows are rebuilt from the source tables
by a job (after erasures, moderation or deletions, and nightly).

Both are idempotent: a refresh that runs twice adds nothing twice (the watermark moves in the
same transaction as the counts), and a rebuild replaces a project's rows in one transaction.

Refresh and rebuild share one reading of the source tables (`_add_next_batch`), so they agree
by construction. What counts:

- An observation counts once per chain of versions: the first version (`deprecates` empty)
  stands for the chain. An edit (a new row deprecating an earlier one) arrives after the
  version it replaces was counted; counting only first versions means it adds nothing, in a
  refresh as in a rebuild, and the number equals the current versions'.
- A contribution counts on the participant's local day of `created_at` in the daily roll-up
  (when they took part). The hourly and cell roll-ups place an observation at the time it was
  observed when that is known and not in the future of its submission, else at `created_at`.
- A participant is the person (observer, volunteer, proposer, author) or, for an observation
  without observer sent by an OpenRosa app user, that app user (one per device). Anonymous
  classifications (session identities) and erased authors count with no participant.

A row that commits with a lower id after a higher one was read (concurrent transactions) is
missed by the watermark; the nightly rebuild counts it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.classification.models import Classification, SubjectComment
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.models import Job
from cslab.core.services.jobs import job_start
from cslab.impact.models import (
    CellContribution,
    DailyContribution,
    HourlyContribution,
    Participant,
    RollupState,
)
from cslab.impact.selectors.figures import project_figures_warm
from cslab.observations.models import Observation
from cslab.projects.models import Project
from cslab.questions.models import Comment, Question

ROLLUP_REFRESH_JOB = "impact.rollup_refresh"
ROLLUP_REBUILD_JOB = "impact.rollup_rebuild"

# Source rows read (and aggregated in memory) at a time: bounds memory and transaction length.
BATCH_SIZE = 20_000
# Ids per IN (...) list: below SQLite's limit on query parameters.
_IDS_PER_QUERY = 5_000

ProgressReporter = Callable[[int, str], None]

# (id, user id, app user id, created_at, observed_at, H3 cell at resolution 7)
SourceRow = tuple[int, int | None, int | None, datetime, datetime | None, str]


@dataclass(frozen=True)
class _Source:
    """One source table: the roll-up column it adds to, its watermark, and how to read it."""

    column: str  # DailyContribution column
    watermark: str  # RollupState field
    read: Callable[[int, int, int], list[SourceRow]]  # (project id, after id, limit)


def _observations(project_id: int, after: int, limit: int) -> list[SourceRow]:
    rows = (
        Observation.objects.filter(project_id=project_id, pk__gt=after, deprecates__isnull=True)
        .order_by("pk")
        .values_list(
            "pk",
            "observer_id",
            "app_user_submission__app_user_id",
            "created_at",
            "observed_at",
            "h3_res7",
        )[:limit]
    )
    return [
        (pk, observer, None if observer is not None else device, created, observed, cell)
        for pk, observer, device, created, observed, cell in rows
    ]


def _classifications(project_id: int, after: int, limit: int) -> list[SourceRow]:
    rows = (
        Classification.objects.filter(workflow__project_id=project_id, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "volunteer_id", "created_at")[:limit]
    )
    return [(pk, volunteer, None, created, None, "") for pk, volunteer, created in rows]


def _questions(project_id: int, after: int, limit: int) -> list[SourceRow]:
    rows = (
        Question.objects.filter(project_id=project_id, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "proposer_id", "created_at")[:limit]
    )
    return [(pk, proposer, None, created, None, "") for pk, proposer, created in rows]


def _question_comments(project_id: int, after: int, limit: int) -> list[SourceRow]:
    rows = (
        Comment.objects.filter(question__project_id=project_id, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "author_id", "created_at")[:limit]
    )
    return [(pk, author, None, created, None, "") for pk, author, created in rows]


def _subject_comments(project_id: int, after: int, limit: int) -> list[SourceRow]:
    rows = (
        SubjectComment.objects.filter(subject__subject_set__project_id=project_id, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "author_id", "created_at")[:limit]
    )
    return [(pk, author, None, created, None, "") for pk, author, created in rows]


SOURCES: tuple[_Source, ...] = (
    _Source("observations", "observations_through", _observations),
    _Source("classifications", "classifications_through", _classifications),
    _Source("questions", "questions_through", _questions),
    _Source("comments", "question_comments_through", _question_comments),
    _Source("comments", "subject_comments_through", _subject_comments),
)
_COUNT_KEYS = {
    "observations_through": "observations",
    "classifications_through": "classifications",
    "questions_through": "questions",
    "question_comments_through": "question_comments",
    "subject_comments_through": "subject_comments",
}
_COLUMNS = ("observations", "classifications", "questions", "comments")


# --------------------------------------------------------------------------- participants


def _participant_ids(
    user_ids: set[int], app_user_ids: set[int]
) -> tuple[dict[int, int], dict[int, int]]:
    """Participant ids of these people and devices, creating the missing rows.

    Creation relies on the one-to-one constraints (`ignore_conflicts`) and reads back, so two
    refreshes creating the same participant at once both end with the one row.
    """
    by_user = _participants_of("user_id", user_ids)
    by_app_user = _participants_of("app_user_id", app_user_ids)
    return by_user, by_app_user


def _participants_of(field: str, ids: set[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), _IDS_PER_QUERY):
        chunk = wanted[start : start + _IDS_PER_QUERY]
        found.update(_existing(field, chunk))
        missing = [key for key in chunk if key not in found]
        if missing:
            Participant.objects.bulk_create(
                [Participant(**{field: key}) for key in missing], ignore_conflicts=True
            )
            found.update(_existing(field, missing))
    return found


def _existing(field: str, ids: list[int]) -> dict[int, int]:
    return dict(
        Participant.objects.filter(**{f"{field}__in": ids}).values_list(field, "pk").order_by()
    )


# --------------------------------------------------------------------------- aggregation


@dataclass
class _Batch:
    """One batch of source rows, aggregated per roll-up key."""

    # (day, user id, app user id) -> count
    daily: dict[tuple[date, int | None, int | None], int]
    hourly: dict[tuple[date, int], int]
    cells: dict[tuple[date, str], int]


def _aggregate(rows: Iterable[SourceRow]) -> _Batch:
    zone = timezone.get_default_timezone()
    daily: dict[tuple[date, int | None, int | None], int] = defaultdict(int)
    hourly: dict[tuple[date, int], int] = defaultdict(int)
    cells: dict[tuple[date, str], int] = defaultdict(int)
    for _pk, user_id, app_user_id, created_at, observed_at, cell in rows:
        created = created_at.astimezone(zone)
        daily[(created.date(), user_id, app_user_id)] += 1
        # A time observed after the submission is a wrong clock or a typo, not a time.
        when = (
            observed_at.astimezone(zone)
            if observed_at is not None and observed_at <= created_at
            else created
        )
        hourly[(when.date(), when.hour)] += 1
        if cell:
            cells[(when.date(), cell)] += 1
    return _Batch(daily=daily, hourly=hourly, cells=cells)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _upsert_daily(project_id: int, column: str, batch: _Batch) -> None:
    user_ids = {user for (_day, user, _device) in batch.daily if user is not None}
    app_user_ids = {device for (_day, _user, device) in batch.daily if device is not None}
    by_user, by_app_user = _participant_ids(user_ids, app_user_ids)
    known: dict[tuple[date, int], int] = defaultdict(int)
    unknown: dict[date, int] = defaultdict(int)
    for (day, user, device), count in batch.daily.items():
        participant = (
            by_user.get(user) if user is not None else by_app_user.get(device)  # type: ignore[arg-type]
        )
        if participant is None:
            unknown[day] += count
        else:
            known[(day, participant)] += count
    table = _table(DailyContribution)
    others = [name for name in _COLUMNS if name != column]
    insert_columns = ", ".join(["project_id", "day", "participant_id", column, *others])
    placeholders = ", ".join(["%s"] * (4 + len(others)))
    zeros = [0] * len(others)
    # Every column named here is a constant of this module, never input.
    add = f"{column} = {table}.{column} + excluded.{column}"
    with connection.cursor() as cursor:
        if known:
            cursor.executemany(
                f"INSERT INTO {table} ({insert_columns}) VALUES ({placeholders}) "  # noqa: S608 (table and columns are constants; values are parameters)  # nosec B608
                "ON CONFLICT (project_id, day, participant_id) "
                f"WHERE participant_id IS NOT NULL DO UPDATE SET {add}",
                [
                    (project_id, day, participant, count, *zeros)
                    for (day, participant), count in known.items()
                ],
            )
        if unknown:
            cursor.executemany(
                f"INSERT INTO {table} ({insert_columns}) VALUES ({placeholders}) "  # noqa: S608 (table and columns are constants; values are parameters)  # nosec B608
                "ON CONFLICT (project_id, day) "
                f"WHERE participant_id IS NULL DO UPDATE SET {add}",
                [(project_id, day, None, count, *zeros) for day, count in unknown.items()],
            )


def _upsert_hourly_and_cells(project_id: int, batch: _Batch) -> None:
    hourly_table = _table(HourlyContribution)
    cell_table = _table(CellContribution)
    with connection.cursor() as cursor:
        if batch.hourly:
            cursor.executemany(
                f"INSERT INTO {hourly_table} (project_id, day, hour, contributions) "  # noqa: S608 (table and columns are constants; values are parameters)  # nosec B608
                "VALUES (%s, %s, %s, %s) ON CONFLICT (project_id, day, hour) DO UPDATE SET "
                f"contributions = {hourly_table}.contributions + excluded.contributions",
                [(project_id, day, hour, count) for (day, hour), count in batch.hourly.items()],
            )
        if batch.cells:
            cursor.executemany(
                f"INSERT INTO {cell_table} (project_id, day, cell, observations) "  # noqa: S608 (table and columns are constants; values are parameters)  # nosec B608
                "VALUES (%s, %s, %s, %s) ON CONFLICT (project_id, day, cell) DO UPDATE SET "
                f"observations = {cell_table}.observations + excluded.observations",
                [(project_id, day, cell, count) for (day, cell), count in batch.cells.items()],
            )


def _add_next_batch(state: RollupState, source: _Source) -> int:
    """Add the next batch of the source's rows past the watermark; return how many.

    Caller must hold the state's row lock inside a transaction: the counts and the moved
    watermark commit together or not at all.
    """
    rows = source.read(state.project_id, getattr(state, source.watermark), BATCH_SIZE)
    if not rows:
        return 0
    batch = _aggregate(rows)
    _upsert_daily(state.project_id, source.column, batch)
    _upsert_hourly_and_cells(state.project_id, batch)
    setattr(state, source.watermark, rows[-1][0])
    state.save(update_fields=[source.watermark])
    return len(rows)


def _state_for(project: Project) -> RollupState:
    state, _created = RollupState.objects.get_or_create(project=project)
    return state


# --------------------------------------------------------------------------- services


def rollup_refresh(
    *,
    projects: list[Project] | None = None,
    report_progress: ProgressReporter | None = None,
) -> dict[str, Any]:
    """Add every contribution not yet counted (all projects when none given); return counts.

    Each batch is one transaction that locks the project's `RollupState`, re-reads its
    watermarks, adds the counts and moves the watermark: a refresh that dies half-way or runs
    twice at once counts nothing twice.
    """
    chosen = list(projects) if projects is not None else list(Project.objects.order_by("pk"))
    counts: dict[str, int] = dict.fromkeys(_COUNT_KEYS.values(), 0)
    for index, project in enumerate(chosen):
        _state_for(project)
        added_to_project = 0
        for source in SOURCES:
            while True:
                with transaction.atomic():
                    state = RollupState.objects.select_for_update().get(project=project)
                    added = _add_next_batch(state, source)
                counts[_COUNT_KEYS[source.watermark]] += added
                added_to_project += added
                if added < BATCH_SIZE:
                    break
        RollupState.objects.filter(project=project).update(refreshed_at=timezone.now())
        if added_to_project:
            project_figures_warm(project=project)
        if report_progress is not None:
            report_progress(
                int(100 * (index + 1) / len(chosen)), gettext_noop("Adding new contributions")
            )
    return {"projects": len(chosen), **counts}


def rollup_rebuild(
    *, project: Project, report_progress: ProgressReporter | None = None
) -> dict[str, Any]:
    """Recompute the project's roll-up rows from the source tables, in one transaction.

    Deletes the project's rows, sets its watermarks to zero and adds every source row again
    through the same batches as a refresh, so the two agree; readers see the old figures
    until the rebuild commits.
    """
    counts: dict[str, int] = dict.fromkeys(_COUNT_KEYS.values(), 0)
    _state_for(project)
    with transaction.atomic():
        state = RollupState.objects.select_for_update().get(project=project)
        DailyContribution.objects.filter(project=project).delete()
        HourlyContribution.objects.filter(project=project).delete()
        CellContribution.objects.filter(project=project).delete()
        for field in _COUNT_KEYS:
            setattr(state, field, 0)
        for index, source in enumerate(SOURCES):
            while True:
                added = _add_next_batch(state, source)
                counts[_COUNT_KEYS[source.watermark]] += added
                if added < BATCH_SIZE:
                    break
            if report_progress is not None:
                report_progress(
                    int(100 * (index + 1) / len(SOURCES)), gettext_noop("Counting contributions")
                )
        state.rebuilt_at = state.refreshed_at = timezone.now()
        state.save()
    project_figures_warm(project=project)
    return {"projects": 1, **counts}


def rollup_refresh_start(*, actor: Actor, project: Project) -> Job:
    """Start a background job that brings the project's figures up to date (a rebuild);
    `impact.rollup.refresh` decides who may."""
    permissions.require(actor, "impact.rollup.refresh", project)
    return job_start(
        actor=actor,
        kind=ROLLUP_REBUILD_JOB,
        title=_("Impact figures of “%(project)s”") % {"project": project.name[:150]},
        arguments={"project_id": project.pk},
    )
