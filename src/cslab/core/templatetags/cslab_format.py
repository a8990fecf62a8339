"""One way to show a moment on every page: `{{ value|day }}` for dates, `{{ value|moment }}` for
date-times, each a `<time>` element whose `datetime` attribute machines read and whose text people
read, in the viewer's language and the site's time zone.

Formats are fixed here rather than taken from each language's DATE_FORMAT because Django's English
default ("Dec. 4, 2026") and its Dutch one differ in shape, and a page mixing `Y-m-d`, "N j, Y" and
"j F Y" was the complaint (issue 11, item 9).
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_moment
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

DAY_FORMAT = "j F Y"
MOMENT_FORMAT = "j F Y, H:i"


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def day(value: date | datetime | None) -> SafeString | str:
    """A calendar day ("4 December 2026"); a date-time is first put in the site's time zone."""
    if not value:
        return ""
    local = _local(value)
    machine = local.date().isoformat() if isinstance(local, datetime) else local.isoformat()
    return format_html('<time datetime="{}">{}</time>', machine, format_moment(local, DAY_FORMAT))


@register.filter
def moment(value: datetime | date | None) -> SafeString | str:
    """A date and time of day ("4 December 2026, 14:05") in the site's time zone."""
    if not value:
        return ""
    if not isinstance(value, datetime):
        return day(value)
    local = _local(value)
    return format_html(
        '<time datetime="{}">{}</time>', local.isoformat(), format_moment(local, MOMENT_FORMAT)
    )


@register.filter
def day_text(value: date | datetime | None) -> str:
    """The same day as plain text, for sentences built with blocktranslate."""
    if not value:
        return ""
    return format_moment(_local(value), DAY_FORMAT)


@register.filter
def moment_text(value: datetime | date | None) -> str:
    """The same date-time as plain text, for sentences built with blocktranslate."""
    if not value:
        return ""
    if not isinstance(value, datetime):
        return day_text(value)
    return format_moment(_local(value), MOMENT_FORMAT)
