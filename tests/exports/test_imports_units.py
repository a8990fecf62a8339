"""Units of numeric questions for imports: read from labels, converted, suspected (pure)."""

from __future__ import annotations

import pytest

from cslab.exports.units import (
    constraint_bounds,
    convert,
    likely_unit,
    unit_in_text,
    units_like,
)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Length (cm)", "cm"),
        ("Temperature [°C]", "°C"),
        ("Water temperature (degC)", "°C"),
        ("Weight (kg)", "kg"),
        ("Volume (ml)", "ml"),
        ("Depth (metres)", "m"),
        ("How many (birds)?", None),
        ("Length", None),
    ],
)
def test_a_unit_is_read_from_parentheses_or_brackets_in_a_label(
    text: str, unit: str | None
) -> None:
    assert unit_in_text(text) == unit


def test_the_hint_names_the_unit_when_the_label_does_not() -> None:
    assert unit_in_text("Wing length", "Measure it in millimetres (mm)") == "mm"


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (123, "mm", "cm", 12.3),
        (1.5, "m", "cm", 150),
        (2, "km", "m", 2000),
        (2500, "g", "kg", 2.5),
        (0.25, "l", "ml", 250),
        (100, "°C", "°F", 212),
        (32, "°F", "°C", 0),
        (0, "°C", "K", 273.15),
        (300, "K", "°C", 26.85),
        (7, "cm", "cm", 7),
    ],
)
def test_values_convert_between_units_of_one_dimension(
    value: float, source: str, target: str, expected: float
) -> None:
    assert convert(value, source, target) == pytest.approx(expected)


def test_a_conversion_does_not_leave_floating_point_noise() -> None:
    assert convert(123, "mm", "cm") == 12.3


def test_units_of_different_dimensions_do_not_convert() -> None:
    with pytest.raises(ValueError, match="cannot convert"):
        convert(1, "cm", "kg")


def test_the_units_like_one_are_those_of_its_dimension_with_itself_first() -> None:
    assert units_like("cm") == ["cm", "mm", "m", "km"]
    assert set(units_like("°C")) == {"°C", "°F", "K"}


def test_the_bounds_of_a_simple_constraint_are_read() -> None:
    assert constraint_bounds(". >= 0 and . <= 300") == (0, 300)
    assert constraint_bounds(". > -40 and . < 60.5") == (-40, 60.5)
    assert constraint_bounds("regex(., '^a')") == (None, None)


def test_values_a_hundred_times_the_range_look_like_another_unit() -> None:
    # Wing lengths of 50–120 mm given to a question in cm with the limits 2–30 cm.
    assert likely_unit([55, 80, 120, 64], unit="cm", low=2, high=30) == "mm"


def test_values_in_range_raise_no_suspicion() -> None:
    assert likely_unit([5, 8, 12, 29], unit="cm", low=2, high=30) is None


def test_without_bounds_nothing_is_suspected() -> None:
    assert likely_unit([5000, 8000], unit="cm", low=None, high=None) is None


def test_fahrenheit_readings_are_recognised_against_a_celsius_range() -> None:
    assert likely_unit([68, 75, 59, 80], unit="°C", low=-10, high=40) == "°F"
