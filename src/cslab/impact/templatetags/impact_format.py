"""How the impact pages write their figures: shares as whole percentages, coefficients with two
decimals, in the viewer's language; a dash where a figure has no meaning (None)."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()

NO_VALUE = "–"


@register.filter
def share(value: float | None) -> str:
    """A fraction between 0 and 1 as a percentage: 0.257 → "26%"."""
    if value is None:
        return NO_VALUE
    return f"{number_format(round(value * 100), decimal_pos=0)}%"


@register.filter
def coefficient(value: float | None) -> str:
    """A coefficient such as Gini's, with two decimals: 0.4567 → "0.46" ("0,46" in Dutch)."""
    if value is None:
        return NO_VALUE
    return str(number_format(value, decimal_pos=2))


@register.filter
def area(value: float | None) -> str:
    """An area in square kilometres, with one decimal."""
    if value is None:
        return NO_VALUE
    return str(number_format(value, decimal_pos=1))
