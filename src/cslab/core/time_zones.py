"""Time zones people may choose: the IANA names Python's zoneinfo knows."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted (Europe/Amsterdam, America/New_York, ...)."""
    return tuple(sorted(available_timezones()))


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(_("Choose a time zone from the list, such as Europe/Amsterdam."))


def zone_or_none(name: str) -> ZoneInfo | None:
    """The zone of a stored name, or None for an empty or unknown one."""
    if not name or name not in time_zone_names():
        return None
    return ZoneInfo(name)
