"""Checking coordinates: pure functions that every area uses (answers, geoprivacy, maps).

They sit in `core` because checking a location is needed by the forms area (a geopoint answer)
and by the observations area (obscuring it), and the forms area may not import observations.
"""

import math
from decimal import Decimal


def require_finite_number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError(f"The {what} must be a number, not {type(value).__name__}.")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"The {what} must be a finite number.")
    return number


def validate_latitude(latitude: object) -> float:
    """Return the latitude as a float, or raise ValueError unless -90 <= latitude <= 90."""
    number = require_finite_number(latitude, "latitude")
    if not -90.0 <= number <= 90.0:
        raise ValueError(f"The latitude must be between -90 and 90 degrees; {number} is not.")
    return number


def validate_longitude(longitude: object) -> float:
    """Return the longitude as a float, or raise ValueError unless -180 <= longitude <= 180."""
    number = require_finite_number(longitude, "longitude")
    if not -180.0 <= number <= 180.0:
        raise ValueError(f"The longitude must be between -180 and 180 degrees; {number} is not.")
    return number


def validate_accuracy(accuracy_m: object) -> float | None:
    """Return the accuracy in metres as a float (None stays None); it may not be negative."""
    if accuracy_m is None:
        return None
    number = require_finite_number(accuracy_m, "accuracy")
    if number < 0:
        raise ValueError(f"The accuracy must be zero or more metres; {number} is not.")
    return number


def validate_location(
    latitude: object, longitude: object, accuracy_m: object = None
) -> tuple[float, float, float | None]:
    """Validate a whole location; returns (latitude, longitude, accuracy_m)."""
    return (
        validate_latitude(latitude),
        validate_longitude(longitude),
        validate_accuracy(accuracy_m),
    )
