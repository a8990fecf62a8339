"""Units of numeric questions, for imports (pure: no ORM).

Forms have no unit field, so a question's unit is read from its label or hint, where form
authors write it: "Length (cm)", "Temperature [°C]". A spreadsheet column may hold the same
quantity in another unit of the same dimension (millimetres instead of centimetres); the
import converts it, and warns when a column's values look like they are in another unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    symbol: str
    dimension: str
    # value in the dimension's base unit = value * factor + offset
    factor: float
    offset: float = 0.0


UNITS: dict[str, Unit] = {
    unit.symbol: unit
    for unit in (
        Unit("mm", "length", 0.001),
        Unit("cm", "length", 0.01),
        Unit("m", "length", 1.0),
        Unit("km", "length", 1000.0),
        Unit("mg", "mass", 0.001),
        Unit("g", "mass", 1.0),
        Unit("kg", "mass", 1000.0),
        Unit("ml", "volume", 0.001),
        Unit("l", "volume", 1.0),
        Unit("°C", "temperature", 1.0, 273.15),
        Unit("°F", "temperature", 5 / 9, 273.15 - 32 * 5 / 9),
        Unit("K", "temperature", 1.0),
    )
}
# Other spellings people write, lower-cased, to the symbol above.
ALIASES = {
    "millimetre": "mm",
    "millimeter": "mm",
    "centimetre": "cm",
    "centimeter": "cm",
    "metre": "m",
    "meter": "m",
    "metres": "m",
    "meters": "m",
    "kilometre": "km",
    "kilometer": "km",
    "gram": "g",
    "grams": "g",
    "kilogram": "kg",
    "milligram": "mg",
    "millilitre": "ml",
    "milliliter": "ml",
    "litre": "l",
    "liter": "l",
    "°c": "°C",
    "ºc": "°C",
    "° c": "°C",
    "degc": "°C",
    "c": "°C",
    "celsius": "°C",
    "°f": "°F",
    "ºf": "°F",
    "° f": "°F",
    "degf": "°F",
    "f": "°F",
    "fahrenheit": "°F",
    "k": "K",
    "kelvin": "K",
}
_IN_BRACKETS = re.compile(r"[(\[]\s*([^()\[\]]{1,20}?)\s*[)\]]")
# Simple bounds of a constraint: ". >= 0 and . <= 300" (what form builders write).
_BOUND = re.compile(r"\.\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)")
# The factors of ten a value written in the wrong unit is usually off by.
SUSPECT_SHARE = 0.8


def unit_symbol(text: str) -> str | None:
    """The unit a text names ("cm", "mm", "°C" …), or None if it names none we know."""
    cleaned = text.strip()
    if cleaned in UNITS:
        return cleaned
    return ALIASES.get(cleaned.lower()) or (cleaned.lower() if cleaned.lower() in UNITS else None)


def unit_in_text(*texts: str) -> str | None:
    """The first known unit written in parentheses or brackets in any of `texts` (a question's
    labels and hints): "Length (cm)" gives "cm"."""
    for text in texts:
        for match in _IN_BRACKETS.finditer(text or ""):
            symbol = unit_symbol(match.group(1))
            if symbol is not None:
                return symbol
    return None


def units_like(symbol: str) -> list[str]:
    """The units of the same dimension as `symbol` (itself first)."""
    dimension = UNITS[symbol].dimension
    return [
        symbol,
        *(unit for unit, item in UNITS.items() if item.dimension == dimension and unit != symbol),
    ]


def convert(value: float, source: str, target: str) -> float:
    """`value` in unit `source` as a value in unit `target`; ValueError across dimensions.

    Rounded to 12 significant digits, so that 123 mm is 12.3 cm, not 12.299999999999999.
    """
    source_unit, target_unit = UNITS[source], UNITS[target]
    if source_unit.dimension != target_unit.dimension:
        raise ValueError(f"cannot convert {source} to {target}")
    if source == target:
        return value
    base = value * source_unit.factor + source_unit.offset
    return float(f"{(base - target_unit.offset) / target_unit.factor:.12g}")


def constraint_bounds(constraint: str) -> tuple[float | None, float | None]:
    """(lowest, highest) allowed by the simple comparisons of a constraint; None where it sets
    no bound. Strict and non-strict bounds are treated alike: this is for a warning."""
    low: float | None = None
    high: float | None = None
    for operator, number in _BOUND.findall(constraint or ""):
        value = float(number)
        if operator in (">=", ">"):
            low = value if low is None else max(low, value)
        else:
            high = value if high is None else min(high, value)
    return low, high


def _share_within(values: Sequence[float], low: float | None, high: float | None) -> float:
    inside = sum(
        1 for value in values if (low is None or value >= low) and (high is None or value <= high)
    )
    return inside / len(values)


def likely_unit(
    values: Iterable[float], *, unit: str, low: float | None, high: float | None
) -> str | None:
    """Another unit of the same dimension the values look like they are in, or None.

    `values` are a column's numbers read as `unit`; `low`/`high` the question's bounds in
    `unit`. When most values break the bounds as given but nearly all fit once read as another
    unit, that unit is returned.
    """
    numbers = list(values)
    if not numbers or (low is None and high is None) or unit not in UNITS:
        return None
    if _share_within(numbers, low, high) >= SUSPECT_SHARE:
        return None
    for other in units_like(unit)[1:]:
        converted = [convert(number, other, unit) for number in numbers]
        if _share_within(converted, low, high) >= SUSPECT_SHARE:
            return other
    return None
