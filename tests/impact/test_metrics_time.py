"""Activity over time as pure functions: weekly new and returning participants, retention
cohorts by week and by month, and the spread of contributions over hours, weekdays, months
and seasons, against small cases worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from cslab.impact.figures import CohortRow, WeekFigures
from cslab.impact.metrics import retention_cohorts, time_spread, weekly_activity

# Participant ids as the database gives them (small and dense), and far apart or negative,
# which the metrics number afresh instead of using as indexes.
PARTICIPANT_ID_SHIFTS = [0, 10**12, -50]

# --- Weekly activity --------------------------------------------------------------------


@pytest.mark.parametrize("shift", PARTICIPANT_ID_SHIFTS)
def test_weeks_count_new_and_returning_participants_with_empty_weeks_between(shift: int) -> None:
    one, two, three = 1 + shift, 2 + shift, 3 + shift
    activity = [
        (one, date(2025, 1, 6), 2),  # Monday: participant one's first day ever
        (one, date(2025, 1, 8), 1),
        (two, date(2025, 1, 7), 4),  # participant two first contributed in December
        (three, date(2025, 1, 22), 1),  # participant three's first day ever
        (one, date(2025, 1, 23), 1),
    ]
    first_days = {one: date(2025, 1, 6), two: date(2024, 12, 1), three: date(2025, 1, 22)}

    weeks = weekly_activity(activity, first_days)

    assert weeks == [
        WeekFigures(date(2025, 1, 6), 7, 2, 1, 1),
        WeekFigures(date(2025, 1, 13), 0, 0, 0, 0),
        WeekFigures(date(2025, 1, 20), 2, 2, 1, 1),
    ]


def test_a_week_across_new_year_starts_on_its_monday_in_the_old_year() -> None:
    activity = [(1, date(2025, 1, 1), 1), (2, date(2024, 12, 30), 1)]
    first_days = {1: date(2025, 1, 1), 2: date(2024, 6, 1)}

    assert weekly_activity(activity, first_days) == [WeekFigures(date(2024, 12, 30), 2, 2, 1, 1)]


def test_a_participant_without_a_known_first_day_is_new_in_their_first_week() -> None:
    activity = [(9, date(2025, 3, 5), 1), (9, date(2025, 3, 12), 1)]

    weeks = weekly_activity(activity, {})

    assert [(week.new_participants, week.returning_participants) for week in weeks] == [
        (1, 0),
        (0, 1),
    ]


def test_a_participant_active_on_several_days_of_a_week_counts_once() -> None:
    activity = [(1, date(2025, 3, 3) + timedelta(days=offset), 1) for offset in range(7)]

    (week,) = weekly_activity(activity, {1: date(2025, 3, 3)})

    assert (week.contributions, week.active_participants) == (7, 1)


def test_rows_without_contributions_make_nobody_active() -> None:
    activity = [(1, date(2025, 3, 3), 0), (2, date(2025, 3, 10), 3)]

    weeks = weekly_activity(activity, {1: date(2025, 3, 3), 2: date(2025, 3, 10)})

    assert weeks == [WeekFigures(date(2025, 3, 10), 3, 1, 1, 0)]


def test_no_activity_has_no_weeks() -> None:
    assert weekly_activity([], {}) == []


def test_negative_contributions_in_a_week_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        weekly_activity([(1, date(2025, 3, 3), -2)], {})


# --- Retention cohorts ------------------------------------------------------------------


@pytest.mark.parametrize("shift", PARTICIPANT_ID_SHIFTS)
def test_weekly_cohorts_count_who_came_back_each_week_up_to_the_week_of_until(shift: int) -> None:
    activity = [
        (1, date(2025, 1, 7)),  # week of 6 January (given out of order on purpose)
        (1, date(2025, 1, 6)),
        (1, date(2025, 1, 15)),  # one week later
        (1, date(2025, 1, 21)),  # two weeks later
        (2, date(2025, 1, 8)),
        (2, date(2025, 1, 21)),  # two weeks later
        (3, date(2025, 1, 13)),  # cohort of 13 January
        (3, date(2025, 1, 14)),
        (4, date(2025, 1, 20)),  # cohort of 20 January
        (1, date(2025, 1, 28)),  # after the week of `until`: left out
        (5, date(2025, 1, 27)),  # a cohort after the week of `until`: left out
    ]
    activity = [(participant + shift, day) for participant, day in activity]

    table = retention_cohorts(activity, "week", until=date(2025, 1, 22))

    assert table.granularity == "week"
    assert table.rows == [
        CohortRow(date(2025, 1, 6), 2, [2, 1, 2]),
        CohortRow(date(2025, 1, 13), 1, [1, 0]),
        CohortRow(date(2025, 1, 20), 1, [1]),
    ]


def test_weekly_cohorts_run_across_the_new_year() -> None:
    # Sunday 29 December 2024 and Monday 30 December lie in consecutive weeks; Wednesday
    # 1 January 2025 in the same week as 30 December.
    activity = [(1, date(2024, 12, 29)), (1, date(2024, 12, 30)), (2, date(2025, 1, 1))]

    table = retention_cohorts(activity, "week", until=date(2025, 1, 1))

    assert table.rows == [
        CohortRow(date(2024, 12, 23), 1, [1, 1]),
        CohortRow(date(2024, 12, 30), 1, [1]),
    ]


def test_monthly_cohorts_cross_month_and_year_boundaries() -> None:
    activity = [
        (1, date(2024, 11, 30)),  # November cohort …
        (1, date(2024, 12, 1)),  # … back the next day, which is the next month
        (1, date(2025, 2, 3)),  # … and three months after November
        (2, date(2024, 12, 31)),  # December cohort …
        (2, date(2025, 1, 1)),  # … back the next day, in the next year
        (3, date(2025, 2, 1)),
    ]

    table = retention_cohorts(activity, "month", until=date(2025, 2, 10))

    assert table.granularity == "month"
    assert table.rows == [
        CohortRow(date(2024, 11, 1), 1, [1, 1, 0, 1]),
        CohortRow(date(2024, 12, 1), 1, [1, 1, 0]),
        CohortRow(date(2025, 2, 1), 1, [1]),
    ]


def test_each_cohort_row_starts_with_its_size() -> None:
    generator = np.random.default_rng(3)
    start = date(2024, 1, 1)
    activity = [
        (int(participant), start + timedelta(days=int(offset)))
        for participant, offset in zip(
            generator.integers(0, 300, 5000), generator.integers(0, 365, 5000), strict=True
        )
    ]

    table = retention_cohorts(activity, "week", until=date(2024, 12, 31))

    assert sum(row.size for row in table.rows) == len({row[0] for row in activity})
    for row in table.rows:
        assert row.retained[0] == row.size
        assert max(row.retained) == row.size
    starts = [row.cohort_start for row in table.rows]
    assert starts == sorted(starts)
    assert all(start.weekday() == 0 for start in starts)


def test_no_activity_has_no_cohorts() -> None:
    assert retention_cohorts([], "month", until=date(2025, 1, 1)).rows == []


def test_an_unknown_granularity_is_rejected() -> None:
    with pytest.raises(ValueError, match="Granularity"):
        retention_cohorts([(1, date(2025, 1, 1))], "day", until=date(2025, 1, 1))


def test_cohorts_of_fifty_thousand_participants_count_each_participant_once() -> None:
    # Speed is `make bench`'s (benchmarks/impact_metrics.py), never a timed test.
    generator = np.random.default_rng(50_000)
    start = date(2023, 1, 2)
    days = [start + timedelta(days=offset) for offset in range(730)]
    participants = generator.integers(0, 50_000, 300_000).tolist()
    offsets = generator.integers(0, 730, 300_000).tolist()
    activity = [
        (participant, days[offset])
        for participant, offset in zip(participants, offsets, strict=True)
    ]

    table = retention_cohorts(activity, "week", until=date(2024, 12, 31))

    assert sum(row.size for row in table.rows) == len(set(participants))
    assert all(row.retained[0] == row.size for row in table.rows)


# --- Time spread ------------------------------------------------------------------------


def test_contributions_spread_over_hours_weekdays_months_and_seasons() -> None:
    hourly = [
        (date(2025, 1, 6), 8, 3),  # a Monday in January: winter
        (date(2025, 7, 13), 23, 2),  # a Sunday in July: summer
        (date(2025, 12, 1), 0, 1),  # a Monday in December: winter
        (date(2025, 3, 1), 8, 4),  # a Saturday in March: spring
    ]

    figures = time_spread(hourly)

    assert figures.by_hour == [1] + [0] * 7 + [7] + [0] * 14 + [2]
    assert figures.by_weekday == [4, 0, 0, 0, 0, 4, 2]
    assert figures.by_month == [3, 0, 4, 0, 0, 0, 2, 0, 0, 0, 0, 1]
    assert figures.by_season == [4, 4, 2, 0]


@pytest.mark.parametrize(
    ("month", "season"),
    [(12, 0), (1, 0), (2, 0), (3, 1), (5, 1), (6, 2), (8, 2), (9, 3), (11, 3)],
)
def test_seasons_are_meteorological_in_the_northern_hemisphere(month: int, season: int) -> None:
    figures = time_spread([(date(2025, month, 15), 12, 1)])

    assert figures.by_season.index(1) == season


def test_no_contributions_spread_as_zeros() -> None:
    figures = time_spread([])

    assert (len(figures.by_hour), len(figures.by_weekday)) == (24, 7)
    assert (len(figures.by_month), len(figures.by_season)) == (12, 4)
    assert sum(figures.by_hour) == 0


@pytest.mark.parametrize("row", [(date(2025, 1, 1), 24, 1), (date(2025, 1, 1), -1, 1)])
def test_an_hour_outside_the_day_is_rejected(row: tuple[date, int, int]) -> None:
    with pytest.raises(ValueError, match="hour"):
        time_spread([row])


def test_negative_contributions_in_an_hour_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        time_spread([(date(2025, 1, 1), 3, -1)])
