"""The hub digest's "Coming up" section: listed events starting in the two weeks after the
digest's week, if they were published during that week or start in its first week.

Registered with `hub.digest.register_digest_section` (this module is in the events app's
`registration_modules`). Starts from `event_list_listed`, so a draft or an event of a private
project never appears. Times are written in the person's time zone (default Europe/Amsterdam);
the digest service has already switched to their language.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.core.templatetags.cslab_format import moment_text
from cslab.core.time_zones import zone_or_none
from cslab.events.selectors.events import event_list_listed
from cslab.events.vocabulary import EventKind
from cslab.hub.digest import DigestItem, DigestSection, register_digest_section

DIGEST_ZONE = ZoneInfo("Europe/Amsterdam")
AHEAD = timedelta(days=14)
SOON = timedelta(days=7)
MAX_ITEMS = 10


def _absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def coming_up_section(person: Any, week_start: date, week_end: date) -> DigestSection | None:
    """Return the events coming up after the week `week_start`..`week_end` (none: no section)."""
    published_from = datetime.combine(week_start, time.min, tzinfo=DIGEST_ZONE)
    horizon_start = datetime.combine(week_end, time.min, tzinfo=DIGEST_ZONE)
    events = list(
        event_list_listed()
        .filter(starts_at__gte=horizon_start, starts_at__lt=horizon_start + AHEAD)
        .filter(
            Q(published_at__gte=published_from, published_at__lt=horizon_start)
            | Q(starts_at__lt=horizon_start + SOON)
        )
        .order_by("starts_at", "pk")[:MAX_ITEMS]
    )
    if not events:
        return None
    zone = zone_or_none(getattr(person, "time_zone", "") or "") or DIGEST_ZONE
    with timezone.override(zone):
        items = tuple(
            DigestItem(
                title=event.title,
                url=_absolute(event.get_absolute_url()),
                summary=f"{moment_text(event.starts_at)} · {event.summary}",
                kind=str(EventKind(event.kind).label),
            )
            for event in events
        )
    return DigestSection(
        name="events_coming_up",
        title=_("Coming up"),
        introduction=_("Webinars, workshops and training sessions of the next two weeks."),
        items=items,
        more_url=_absolute(reverse("event_list")),
    )


# Not "events": a hub test registers (and then removes) its own section under that name.
register_digest_section("events_coming_up", coming_up_section, order=60)
