"""Reads of impact figures: a project's (dashboard, report, API) and the Lab's, computed from
the roll-up tables with the pure functions of `impact.metrics`, plus the live quality,
questions and learning counts. Every read asks the permission module first.

Participation figures come from the roll-ups (a handful of queries whatever the project's
size); the biggest read is one row per participant and active day, fetched with a plain cursor.
A participant's first day (new or returning, cohorts) is their first day in the project ever,
not within the period asked for.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.classification.models import ExpertDecision
from cslab.consensus.models import ConsensusResult
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError
from cslab.events.models import Event, Registration
from cslab.impact import metrics
from cslab.impact.figures import (
    CellCount,
    LabFigures,
    LabFilters,
    LearningFigures,
    Period,
    ProjectComparisonRow,
    ProjectFigures,
    QualityFigures,
    QuestionFigures,
    SpaceFigures,
    TimeFigures,
    WeekFigures,
)
from cslab.impact.models import (
    CellContribution,
    DailyContribution,
    HourlyContribution,
    ImpactStatement,
    Output,
    RollupState,
)
from cslab.impact.vocabulary import ContributionKind, Granularity
from cslab.observations.models import Observation
from cslab.projects.models import Project, ProjectTag
from cslab.projects.selectors import project_get_for_viewing, project_list_visible
from cslab.projects.vocabulary import TagKind
from cslab.questions.models import Question
from cslab.training.models import Certificate

# How long a project's computed figures are reused while its roll-ups stay the same: the live
# counts in them (moderation, questions, learning) are at most this old.
FIGURES_CACHE_SECONDS = 3600
# The Lab dashboard compares at most this many projects (the first by name).
LAB_PROJECTS_LIMIT = 200
_KIND_COLUMNS = {
    ContributionKind.OBSERVATION.value: "observations",
    ContributionKind.CLASSIFICATION.value: "classifications",
    ContributionKind.QUESTION.value: "questions",
    ContributionKind.COMMENT.value: "comments",
}
_TOTAL = "observations + classifications + questions + comments"


def project_get_for_impact(*, user: Actor, slug: str) -> Project:
    """The project whose figures the user may see (`impact.dashboard.view`); NotFoundError for
    a project they may not see or whose figures are not theirs to see."""
    project = project_get_for_viewing(user=user, slug=slug)
    permissions.require(user, "impact.dashboard.view", project)
    return project


# --------------------------------------------------------------------------- reading roll-ups


def _as_date(value: Any, parsed: dict[str, date]) -> date:
    """A day from the database: a date (PostgreSQL) or an ISO string (SQLite), parsed once."""
    if isinstance(value, date):
        return value
    known = parsed.get(value)
    if known is None:
        known = parsed[value] = date.fromisoformat(value)
    return known


def _day_condition(period: Period, column: str = "day") -> tuple[str, list[Any]]:
    parts, params = [], []
    if period.start is not None:
        parts.append(f"{column} >= %s")
        params.append(period.start)
    if period.end is not None:
        parts.append(f"{column} <= %s")
        params.append(period.end)
    return "".join(f" AND {part}" for part in parts), params


def _activity_rows(project_ids: list[int], period: Period) -> list[tuple[int | None, date, int]]:
    """(participant id or None, day, contributions) over the projects, one row per participant
    and day (summed over the projects)."""
    if not project_ids:
        return []
    table = connection.ops.quote_name(DailyContribution._meta.db_table)
    within, params = _day_condition(period)
    placeholders = ", ".join(["%s"] * len(project_ids))
    # The day as text on SQLite: an expression has no declared type, so the driver skips its
    # date converter (a third of the time on a million rows); each text is parsed once.
    day = "CAST(day AS TEXT)" if connection.vendor == "sqlite" else "day"
    # One project's rows are one per participant and day already (a unique constraint).
    if len(project_ids) == 1:
        sql = (
            f"SELECT participant_id, {day}, {_TOTAL} FROM {table} "  # noqa: S608 (quoted table, constant columns; values are parameters)  # nosec B608
            f"WHERE project_id = %s{within}"
        )
    else:
        sql = (
            f"SELECT participant_id, {day}, SUM({_TOTAL}) FROM {table} "  # noqa: S608 (quoted table, constant columns; values are parameters)  # nosec B608
            f"WHERE project_id IN ({placeholders}){within} GROUP BY participant_id, day"
        )
    parsed: dict[str, date] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*project_ids, *params])
        return [
            (participant, _as_date(day, parsed), int(total))
            for participant, day, total in cursor.fetchall()
        ]


def _first_days(
    project_ids: list[int], activity: list[tuple[int | None, date, int]], period: Period
) -> dict[int, date]:
    """Each participant's first day in the projects, ever: from the activity already read when
    it reaches back to the beginning, else one query."""
    if period.start is None:
        first: dict[int, date] = {}
        for participant, day, _total in activity:
            if participant is not None:
                known = first.get(participant)
                if known is None or day < known:
                    first[participant] = day
        return first
    return dict(
        DailyContribution.objects.filter(project_id__in=project_ids, participant__isnull=False)
        .values("participant_id")
        .annotate(first=Min("day"))
        .values_list("participant_id", "first")
        .order_by()
    )


def _within(queryset: QuerySet[Any], period: Period, field: str = "day") -> QuerySet[Any]:
    if period.start is not None:
        queryset = queryset.filter(**{f"{field}__gte": period.start})
    if period.end is not None:
        queryset = queryset.filter(**{f"{field}__lte": period.end})
    return queryset


def _moments(period: Period) -> tuple[datetime | None, datetime | None]:
    """The period's local days as a half-open range of aware datetimes."""
    zone = timezone.get_default_timezone()
    start = (
        datetime.combine(period.start, time.min, tzinfo=zone) if period.start is not None else None
    )
    end = (
        datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)
        if period.end is not None
        else None
    )
    return start, end


def _within_moments(queryset: QuerySet[Any], period: Period, field: str) -> QuerySet[Any]:
    start, end = _moments(period)
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{field}__lt": end})
    return queryset


def _weeks(
    activity: list[tuple[int | None, date, int]], first_days: dict[int, date]
) -> list[WeekFigures]:
    """Weekly figures; contributions of unknown contributors count in their week's total but
    as no participant."""
    known = [(participant, day, total) for participant, day, total in activity if participant]
    weeks = metrics.weekly_activity(known, first_days)
    unknown: dict[date, int] = defaultdict(int)
    for participant, day, total in activity:
        if participant is None:
            unknown[day - timedelta(days=day.weekday())] += total
    if not unknown:
        return weeks
    by_start = {week.week_start: week for week in weeks}
    for week_start, total in unknown.items():
        week = by_start.get(week_start)
        by_start[week_start] = (
            replace(week, contributions=week.contributions + total)
            if week is not None
            else WeekFigures(week_start, total, 0, 0, 0)
        )
    # Unknown contributions may fall in weeks no participant was active; fill the gaps.
    first, last = min(by_start), max(by_start)
    filled = []
    current = first
    while current <= last:
        filled.append(by_start.get(current) or WeekFigures(current, 0, 0, 0, 0))
        current += timedelta(days=7)
    return filled


def _per_participant(activity: Iterable[tuple[int | None, date, int]]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for participant, _day, total in activity:
        if participant is not None:
            totals[participant] += total
    return totals


def _today() -> date:
    return timezone.localdate()


# --------------------------------------------------------------------------- project figures


def project_figures(
    *, user: Actor, project: Project, period: Period | None = None, granularity: str = "week"
) -> ProjectFigures:
    """Every figure of the project over the period (all time by default); retention cohorts
    by week or month. Asks `impact.dashboard.view` again (a caller may pass any project)."""
    permissions.require(user, "impact.dashboard.view", project)
    if granularity not in Granularity.values:
        raise InvalidInputError(_("Cohorts are by week or by month."))
    period = period or Period()
    if period.start is not None and period.end is not None and period.start > period.end:
        raise InvalidInputError(_("The period starts after it ends."))
    state = _rollup_state(project)
    if state is None:
        return _project_figures(project, period, granularity, as_of=None)
    moments = [moment for moment in state[:2] if moment is not None]
    as_of = max(moments) if moments else None
    key = _cache_key(project, period, granularity, state)
    cached: ProjectFigures | None = cache.get(key)
    if cached is None or cached.project_slug != project.slug:
        cached = _project_figures(project, period, granularity, as_of=as_of)
        cache.set(key, cached, FIGURES_CACHE_SECONDS)
    return replace(cached, as_of=as_of)


def project_figures_warm(*, project: Project) -> None:
    """Compute the project's default views (all time, cohorts by week and by month) into the
    cache, so the first visitor after a refresh does not wait for them: at 1,000,000
    observations computing them takes seconds, reading them milliseconds. The roll-up jobs
    call it once they changed the project's roll-ups."""
    state = _rollup_state(project)
    if state is None:
        return
    moments = [moment for moment in state[:2] if moment is not None]
    as_of = max(moments) if moments else None
    for granularity in Granularity.values:
        figures = _project_figures(project, Period(), granularity, as_of=as_of)
        cache.set(_cache_key(project, Period(), granularity, state), figures, FIGURES_CACHE_SECONDS)


def _rollup_state(project: Project) -> tuple[Any, ...] | None:
    return (
        RollupState.objects.filter(project=project)
        .values_list(
            "refreshed_at",
            "rebuilt_at",
            "observations_through",
            "classifications_through",
            "questions_through",
            "question_comments_through",
            "subject_comments_through",
        )
        .first()
    )


def _cache_key(project: Project, period: Period, granularity: str, state: tuple[Any, ...]) -> str:
    # The roll-ups change only when a refresh adds rows (the watermarks move) or a rebuild
    # recounts them (rebuilt_at): a refresh that found nothing new keeps the key. The live
    # counts (quality, questions, learning) may lag by FIGURES_CACHE_SECONDS.
    parts = ":".join(
        str(part) for part in (project.pk, period.start, period.end, granularity, *state[1:])
    )
    return "impact:figures:" + hashlib.sha256(parts.encode()).hexdigest()


def _project_figures(
    project: Project, period: Period, granularity: str, *, as_of: datetime | None
) -> ProjectFigures:
    activity = _activity_rows([project.pk], period)
    first_days = _first_days([project.pk], activity, period)
    counts = _per_participant(activity)
    by_kind = _within(DailyContribution.objects.filter(project=project), period).aggregate(
        **{kind: Sum(column) for kind, column in _KIND_COLUMNS.items()}
    )
    contributions_by_kind = {kind: int(value or 0) for kind, value in by_kind.items()}
    # Cohorts of the participants who joined within the period: their activity in the period
    # starts on their first day ever.
    joined = {
        participant
        for participant, first in first_days.items()
        if period.start is None or first >= period.start
    }
    # Never past today: a far end date must not make years of empty cohort columns.
    until = min(period.end, _today()) if period.end is not None else _today()
    retention = metrics.retention_cohorts(
        ((participant, day) for participant, day, _total in activity if participant in joined),
        granularity,
        until,
    )
    return ProjectFigures(
        project_slug=project.slug,
        project_name=project.name,
        period=period,
        as_of=as_of,
        participants=len(counts),
        contributions=sum(contributions_by_kind.values()),
        contributions_by_kind=contributions_by_kind,
        weeks=_weeks(activity, first_days),
        inequality=metrics.inequality(sorted(counts.values())),
        retention=retention,
        space=_space(project, period),
        time=_time(project, period),
        quality=_quality(project, period),
        questions=_questions(project, period),
        learning=_learning(project),
    )


def _space(project: Project, period: Period) -> SpaceFigures:
    rows = (
        _within(CellContribution.objects.filter(project=project), period)
        .values("cell")
        .annotate(count=Sum("observations"))
        .values_list("cell", "count")
        .order_by("-count", "cell")
    )
    cells = list(rows)
    names = [cell for cell, _count in cells]
    edges = (project.extent_west, project.extent_south, project.extent_east, project.extent_north)
    west, south, east, north = edges
    box = (
        (west, south, east, north)
        if west is not None and south is not None and east is not None and north is not None
        else None
    )
    area_cells = metrics.extent_cells(
        project.geographic_extent, box, CellContribution.CELL_RESOLUTION
    )
    return SpaceFigures(
        resolution=CellContribution.CELL_RESOLUTION,
        cells=[CellCount(cell=cell, count=int(count)) for cell, count in cells],
        area_covered_km2=metrics.cells_area_km2(names),
        project_area_share=metrics.area_share(names, area_cells) if area_cells else None,
    )


def _time(project: Project, period: Period) -> TimeFigures:
    rows = _within(HourlyContribution.objects.filter(project=project), period).values_list(
        "day", "hour", "contributions"
    )
    return metrics.time_spread(rows.order_by())


def _quality(project: Project, period: Period) -> QualityFigures:
    edited = Observation.objects.filter(project=project, deprecates__isnull=False).values(
        "deprecates_id"
    )
    observations = Observation.objects.filter(project=project).exclude(pk__in=edited)
    if period.start is not None or period.end is not None:
        observations = _within_moments(observations, period, "created_at")
    by_status = {
        status: int(count)
        for status, count in observations.values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
        .order_by()
    }
    total = sum(by_status.values())

    def share(status: str) -> float | None:
        return by_status.get(status, 0) / total if total else None

    results = ConsensusResult.objects.filter(workflow__project=project)
    confidences = results.values_list("confidence", flat=True).order_by()
    decided = results.filter(
        Exists(
            ExpertDecision.objects.filter(
                workflow_id=OuterRef("workflow_id"), subject_id=OuterRef("subject_id")
            )
        ),
        answer_count__gt=0,
    ).values_list("agreeing", "answer_count")
    # A decision agrees with the volunteers when most of their answers gave the expert's label.
    compared = [2 * agreeing > answers for agreeing, answers in decided.order_by()]
    return QualityFigures(
        observations_by_status=by_status,
        accepted_share=share(Observation.Status.ACCEPTED),
        flagged_share=share(Observation.Status.FLAGGED),
        rejected_share=share(Observation.Status.REJECTED),
        confidence_bins=metrics.confidence_bins(confidences),
        expert_decisions=ExpertDecision.objects.filter(workflow__project=project).count(),
        expert_agreement=sum(compared) / len(compared) if compared else None,
    )


def _questions(project: Project, period: Period) -> QuestionFigures:
    mine = Question.objects.filter(Q(project=project) | Q(adopted_project=project))
    counts = mine.aggregate(
        adopted=Count(
            "pk", filter=Q(status__in=[Question.Status.ADOPTED, Question.Status.ANSWERED])
        ),
        answered=Count("pk", filter=Q(status=Question.Status.ANSWERED)),
    )
    raised = _within_moments(Question.objects.filter(project=project), period, "created_at")
    return QuestionFigures(
        raised=raised.count(), adopted=counts["adopted"], answered=counts["answered"]
    )


def _learning(project: Project) -> LearningFigures:
    events = (
        Event.objects.filter(Q(project=project) | Q(project_links__project=project))
        .exclude(status=Event.Status.CANCELLED)
        .values("pk")
    )
    registrations = Registration.objects.filter(
        event_id__in=events, status=Registration.Status.REGISTERED
    ).aggregate(registered=Count("pk"), attended=Count("pk", filter=Q(attended_at__isnull=False)))
    # Completions of the modules the project requires of a role, by its team members.
    completions = Certificate.objects.filter(
        module__role_requirements__project=project,
        revoked_at__isnull=True,
        user__project_memberships__project=project,
    ).values("pk")
    return LearningFigures(
        events=Event.objects.filter(pk__in=events).count(),
        event_registrations=registrations["registered"],
        event_attendances=registrations["attended"],
        training_completions=Certificate.objects.filter(pk__in=completions).count(),
    )


# --------------------------------------------------------------------------- the Lab


def _lab_projects(user: Actor, filters: LabFilters) -> list[Project]:
    projects = project_list_visible(user=user)
    if filters.faculty:
        projects = projects.filter(faculty=filters.faculty)
    if filters.initiator_type:
        projects = projects.filter(initiator_type=filters.initiator_type)
    if filters.domain:
        projects = projects.filter(
            pk__in=ProjectTag.objects.filter(kind=TagKind.DOMAIN, value=filters.domain).values(
                "project_id"
            )
        )
    return list(projects.order_by("name", "pk")[:LAB_PROJECTS_LIMIT])


def lab_figures(*, user: Actor, filters: LabFilters) -> LabFigures:
    """The Lab dashboard: every project whose figures the user may see, filtered by faculty,
    domain, initiator type and period, side by side, with totals across them."""
    permissions.require(user, "impact.lab.view")
    period = filters.period
    if period.start is not None and period.end is not None and period.start > period.end:
        raise InvalidInputError(_("The period starts after it ends."))
    projects = [
        project
        for project in _lab_projects(user, filters)
        if permissions.has_permission(user, "impact.dashboard.view", project)
    ]
    ids = [project.pk for project in projects]
    daily = _within(DailyContribution.objects.filter(project_id__in=ids), period)
    per_project: dict[int, list[int]] = defaultdict(list)
    contributions: dict[int, int] = defaultdict(int)
    for project_id, participant, total in (
        daily.values("project_id", "participant_id")
        .annotate(
            total=Sum(F("observations") + F("classifications") + F("questions") + F("comments"))
        )
        .values_list("project_id", "participant_id", "total")
        .order_by()
    ):
        contributions[project_id] += int(total)
        if participant is not None:
            per_project[project_id].append(int(total))
    returning = _returning_shares(ids, period)
    cells = dict(
        _within(CellContribution.objects.filter(project_id__in=ids), period)
        .values("project_id")
        .annotate(cells=Count("cell", distinct=True))
        .values_list("project_id", "cells")
        .order_by()
    )
    outputs = Counter(
        Output.projects.through.objects.filter(project_id__in=ids)
        .values_list("project_id", flat=True)
        .order_by()
    )
    statements = dict(
        ImpactStatement.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(count=Count("pk"))
        .values_list("project_id", "count")
        .order_by()
    )
    rows = []
    for project in projects:
        counts = sorted(per_project.get(project.pk, []))
        inequality = metrics.inequality(counts)
        rows.append(
            ProjectComparisonRow(
                project_slug=project.slug,
                project_name=project.name,
                participants=len(counts),
                contributions=contributions.get(project.pk, 0),
                gini=inequality.gini,
                top_10_percent_share=inequality.top_10_percent_share,
                returning_share=returning.get(project.pk),
                h3_cells=cells.get(project.pk, 0),
                outputs=outputs.get(project.pk, 0),
                impact_statements=statements.get(project.pk, 0),
            )
        )
    activity = _activity_rows(ids, period)
    overall = _per_participant(activity)
    return LabFigures(
        filters=filters,
        projects=rows,
        participants=len(overall),
        contributions=sum(contributions.values()),
        weeks=_weeks(activity, _first_days(ids, activity, period)),
        inequality=metrics.inequality(sorted(overall.values())),
    )


def _returning_shares(project_ids: list[int], period: Period) -> dict[int, float | None]:
    """Per project: of the participants whose first day was at least four weeks before the
    period's end, the share active again in a later week than their first."""
    until = min(period.end, _today()) if period.end is not None else _today()
    spans = (
        DailyContribution.objects.filter(
            project_id__in=project_ids, participant__isnull=False, day__lte=until
        )
        .values("project_id", "participant_id")
        .annotate(first=Min("day"), last=Max("day"))
        .values_list("project_id", "first", "last")
        .order_by()
    )
    eligible: dict[int, int] = defaultdict(int)
    returned: dict[int, int] = defaultdict(int)
    for project_id, first, last in spans:
        if first > until - timedelta(weeks=4):
            continue
        eligible[project_id] += 1
        if last >= first - timedelta(days=first.weekday()) + timedelta(days=7):
            returned[project_id] += 1
    return {
        project_id: returned[project_id] / eligible[project_id] if eligible[project_id] else None
        for project_id in project_ids
    }
