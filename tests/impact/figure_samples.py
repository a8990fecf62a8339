"""Impact figures built by hand, with realistic values, for tests of the charts, the dashboards
and the report that need figures without building a project's contributions in the database.

`sample_project_figures()` is a project around Leiden with eight weeks of contributions, three
weekly cohorts, an unequal spread of contributions and seven H3 cells at resolution 7;
`empty_project_figures()` a project nobody has contributed to yet; `sample_lab_figures()` the
Lab with that project and two others.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import h3

from cslab.impact.figures import (
    CellCount,
    CohortRow,
    InequalityFigures,
    LabFigures,
    LabFilters,
    LearningFigures,
    Period,
    ProjectComparisonRow,
    ProjectFigures,
    QualityFigures,
    QuestionFigures,
    RetentionTable,
    SpaceFigures,
    TimeFigures,
    WeekFigures,
)

LEIDEN = (52.16, 4.49)
RESOLUTION = 7
FIRST_WEEK = date(2025, 3, 3)  # a Monday

# (contributions, active, new, returning) per week from FIRST_WEEK.
_WEEKS = [
    (42, 9, 9, 0),
    (65, 12, 5, 7),
    (38, 8, 1, 7),
    (0, 0, 0, 0),
    (71, 14, 6, 8),
    (55, 11, 2, 9),
    (60, 10, 1, 9),
    (24, 6, 0, 6),
]


def sample_weeks() -> list[WeekFigures]:
    return [
        WeekFigures(
            week_start=FIRST_WEEK + timedelta(weeks=index),
            contributions=contributions,
            active_participants=active,
            new_participants=new,
            returning_participants=returning,
        )
        for index, (contributions, active, new, returning) in enumerate(_WEEKS)
    ]


def sample_inequality() -> InequalityFigures:
    return InequalityFigures(
        gini=0.62,
        lorenz=[
            (0.0, 0.0),
            (0.2, 0.03),
            (0.4, 0.09),
            (0.6, 0.19),
            (0.8, 0.36),
            (0.9, 0.52),
            (1.0, 1.0),
        ],
        top_1_percent_share=0.12,
        top_10_percent_share=0.48,
    )


def sample_cells() -> list[CellCount]:
    """Leiden's cell and its six neighbours, with counts from 3 to 96."""
    centre = h3.latlng_to_cell(*LEIDEN, RESOLUTION)
    neighbours = [cell for cell in h3.grid_disk(centre, 1) if cell != centre]
    counts = [96, 41, 27, 18, 12, 7, 3]
    return [
        CellCount(cell=cell, count=count)
        for cell, count in zip([centre, *sorted(neighbours)], counts, strict=True)
    ]


def sample_project_figures(
    *, project_slug: str = "leiden-birds", project_name: str = "Birds of Leiden"
) -> ProjectFigures:
    """Return a project's figures with every chart non-empty."""
    weeks = sample_weeks()
    cells = sample_cells()
    return ProjectFigures(
        project_slug=project_slug,
        project_name=project_name,
        period=Period(start=FIRST_WEEK, end=FIRST_WEEK + timedelta(weeks=8, days=-1)),
        as_of=datetime(2025, 4, 28, 6, 0, tzinfo=UTC),
        participants=28,
        contributions=sum(week.contributions for week in weeks),
        contributions_by_kind={
            "observation": 210,
            "classification": 110,
            "question": 9,
            "comment": 26,
        },
        weeks=weeks,
        inequality=sample_inequality(),
        retention=RetentionTable(
            granularity="week",
            rows=[
                CohortRow(cohort_start=FIRST_WEEK, size=9, retained=[9, 7, 5, 0, 4]),
                CohortRow(
                    cohort_start=FIRST_WEEK + timedelta(weeks=1), size=5, retained=[5, 3, 0, 2]
                ),
                CohortRow(cohort_start=FIRST_WEEK + timedelta(weeks=2), size=1, retained=[1, 0, 1]),
            ],
        ),
        space=SpaceFigures(
            resolution=RESOLUTION,
            cells=cells,
            area_covered_km2=round(sum(h3.cell_area(cell.cell, "km^2") for cell in cells), 1),
            project_area_share=0.35,
        ),
        time=TimeFigures(
            by_hour=[
                0,
                0,
                0,
                0,
                0,
                1,
                3,
                12,
                25,
                30,
                28,
                20,
                15,
                14,
                16,
                18,
                22,
                30,
                40,
                35,
                20,
                8,
                2,
                1,
            ],
            by_weekday=[40, 35, 38, 42, 45, 75, 80],
            by_month=[0, 0, 120, 235, 0, 0, 0, 0, 0, 0, 0, 0],
            by_season=[0, 355, 0, 0],
        ),
        quality=QualityFigures(
            observations_by_status={"accepted": 150, "pending": 40, "flagged": 12, "rejected": 8},
            accepted_share=150 / 210,
            flagged_share=12 / 210,
            rejected_share=8 / 210,
            confidence_bins=[0, 1, 2, 3, 6, 9, 14, 20, 25, 30],
            expert_decisions=18,
            expert_agreement=0.89,
        ),
        questions=QuestionFigures(raised=9, adopted=3, answered=1),
        learning=LearningFigures(
            events=2, event_registrations=34, event_attendances=25, training_completions=17
        ),
    )


def empty_project_figures(
    *, project_slug: str = "empty-project", project_name: str = "Nobody yet"
) -> ProjectFigures:
    """Return the figures of a project nobody has contributed to."""
    return ProjectFigures(
        project_slug=project_slug,
        project_name=project_name,
        period=Period(),
        as_of=None,
        participants=0,
        contributions=0,
        contributions_by_kind={},
        weeks=[],
        inequality=InequalityFigures(),
        retention=RetentionTable(granularity="week"),
        space=SpaceFigures(resolution=RESOLUTION),
        time=TimeFigures(),
        quality=QualityFigures(),
        questions=QuestionFigures(),
        learning=LearningFigures(),
    )


def sample_lab_figures() -> LabFigures:
    """Return the Lab's figures over three projects, one of them with no Gini coefficient yet."""
    return LabFigures(
        filters=LabFilters(),
        projects=[
            ProjectComparisonRow(
                project_slug="leiden-birds",
                project_name="Birds of Leiden",
                participants=28,
                contributions=355,
                gini=0.62,
                top_10_percent_share=0.48,
                returning_share=0.55,
                h3_cells=7,
                outputs=2,
                impact_statements=1,
            ),
            ProjectComparisonRow(
                project_slug="canal-water",
                project_name="Canal water quality",
                participants=51,
                contributions=780,
                gini=0.44,
                top_10_percent_share=0.31,
                returning_share=0.62,
                h3_cells=19,
                outputs=1,
                impact_statements=3,
            ),
            ProjectComparisonRow(
                project_slug="new-project",
                project_name="Just started",
                participants=0,
                contributions=0,
                gini=None,
                top_10_percent_share=None,
                returning_share=None,
                h3_cells=0,
                outputs=0,
                impact_statements=0,
            ),
        ],
        participants=76,
        contributions=1135,
        weeks=sample_weeks(),
        inequality=InequalityFigures(
            gini=0.51,
            lorenz=[(0.0, 0.0), (0.25, 0.06), (0.5, 0.18), (0.75, 0.40), (0.9, 0.62), (1.0, 1.0)],
            top_1_percent_share=0.08,
            top_10_percent_share=0.38,
        ),
    )
