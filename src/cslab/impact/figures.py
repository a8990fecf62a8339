"""The impact figures of a project, and of the Lab, as plain values: what the dashboards,
charts, report and API show. Built by `selectors/figures.py` from the roll-ups with the pure
functions of `metrics.py`; turned into the API's JSON by `figures_as_json`.

Shares are fractions between 0 and 1 (not percentages); `None` where a figure has no meaning
(a Gini coefficient of no participants).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Period:
    """A range of local dates, both ends included; an open end is unbounded."""

    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class WeekFigures:
    """One ISO week (starting on Monday): contributions, participants active in it, those whose
    first contribution ever fell in it (new) and the others (returning)."""

    week_start: date
    contributions: int
    active_participants: int
    new_participants: int
    returning_participants: int


@dataclass(frozen=True)
class CohortRow:
    """The participants whose first contribution fell in one week or month (`size`), and how
    many of them contributed in each period since: `retained[0] == size`, `retained[k]` the
    number active k periods later (as far as the data reach)."""

    cohort_start: date
    size: int
    retained: list[int]


@dataclass(frozen=True)
class RetentionTable:
    granularity: str  # impact.vocabulary.Granularity value: "week" or "month"
    rows: list[CohortRow] = field(default_factory=list)


@dataclass(frozen=True)
class InequalityFigures:
    """Participation inequality over the participants' contribution counts."""

    gini: float | None = None
    # Points (share of participants, share of contributions), from (0, 0) to (1, 1), the
    # participants ordered from fewest contributions to most.
    lorenz: list[tuple[float, float]] = field(default_factory=list)
    top_1_percent_share: float | None = None
    top_10_percent_share: float | None = None


@dataclass(frozen=True)
class CellCount:
    cell: str  # an H3 cell index
    count: int


@dataclass(frozen=True)
class SpaceFigures:
    """Spread in space: observations per H3 cell, the area those cells cover, and the share of
    the project's area (its geographic extent, at the same resolution) that has data."""

    resolution: int
    cells: list[CellCount] = field(default_factory=list)
    area_covered_km2: float = 0.0
    project_area_share: float | None = None


@dataclass(frozen=True)
class TimeFigures:
    """Spread in time: contributions by local hour of day (24), weekday (7, Monday first),
    month (12, January first) and meteorological season (4: winter, spring, summer, autumn)."""

    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    by_weekday: list[int] = field(default_factory=lambda: [0] * 7)
    by_month: list[int] = field(default_factory=lambda: [0] * 12)
    by_season: list[int] = field(default_factory=lambda: [0] * 4)


@dataclass(frozen=True)
class QualityFigures:
    """Data quality: observations by moderation status and the accepted, flagged and rejected
    shares; the consensus confidence of the project's workflows' subjects in ten bins (0–0.1,
    …, 0.9–1); expert agreement: the share of expert decisions that agree with the consensus."""

    observations_by_status: dict[str, int] = field(default_factory=dict)
    accepted_share: float | None = None
    flagged_share: float | None = None
    rejected_share: float | None = None
    confidence_bins: list[int] = field(default_factory=lambda: [0] * 10)
    expert_decisions: int = 0
    expert_agreement: float | None = None


@dataclass(frozen=True)
class QuestionFigures:
    """Research questions of the project: raised in the period, adopted, answered."""

    raised: int = 0
    adopted: int = 0
    answered: int = 0


@dataclass(frozen=True)
class LearningFigures:
    """Events linked to the project (registrations, attended) and the training modules it
    requires (completions)."""

    events: int = 0
    event_registrations: int = 0
    event_attendances: int = 0
    training_completions: int = 0


@dataclass(frozen=True)
class ProjectFigures:
    project_slug: str
    project_name: str
    period: Period
    # When the roll-ups were last brought up to date (None: never).
    as_of: datetime | None
    participants: int
    contributions: int
    # Keys: impact.vocabulary.ContributionKind values ("observation", "classification", …).
    contributions_by_kind: dict[str, int]
    weeks: list[WeekFigures]
    inequality: InequalityFigures
    retention: RetentionTable
    space: SpaceFigures
    time: TimeFigures
    quality: QualityFigures
    questions: QuestionFigures
    learning: LearningFigures


@dataclass(frozen=True)
class LabFilters:
    """The Lab dashboard's filters: each empty means all."""

    faculty: str = ""
    domain: str = ""
    initiator_type: str = ""
    period: Period = field(default_factory=Period)


@dataclass(frozen=True)
class ProjectComparisonRow:
    """One project on the Lab dashboard, beside the others."""

    project_slug: str
    project_name: str
    participants: int
    contributions: int
    gini: float | None
    top_10_percent_share: float | None
    # Share of a project's participants (first contribution at least 4 weeks before the
    # period's end) who contributed again at least one week after their first week.
    returning_share: float | None
    h3_cells: int
    outputs: int
    impact_statements: int


@dataclass(frozen=True)
class LabFigures:
    filters: LabFilters
    projects: list[ProjectComparisonRow]
    participants: int  # distinct over the projects shown
    contributions: int
    weeks: list[WeekFigures]
    inequality: InequalityFigures


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def figures_as_json(figures: ProjectFigures) -> dict[str, Any]:
    """The API's answer for a project: every figure, with the keys the issue names at the top
    level (`participants`, `contributions`, `gini`, `top_10_percent_share`, `retention`,
    `h3_cells`)."""
    whole = _plain(asdict(figures))
    inequality = whole.pop("inequality")
    space = whole.pop("space")
    return {
        **whole,
        "gini": inequality["gini"],
        "lorenz": inequality["lorenz"],
        "top_1_percent_share": inequality["top_1_percent_share"],
        "top_10_percent_share": inequality["top_10_percent_share"],
        "h3_resolution": space["resolution"],
        "h3_cells": space["cells"],
        "area_covered_km2": space["area_covered_km2"],
        "project_area_share": space["project_area_share"],
    }
