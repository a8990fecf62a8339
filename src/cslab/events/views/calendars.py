"""Pages of events: calendars (see events/urls.py).

The site-wide iCalendar feed and the feeds per kind, faculty and domain (listed events only:
never a draft or an event of a private project), "add to calendar" for one event (whoever may
see it; never the joining link), the page listing every feed, and the event page's parts:
"Add to calendar" beside the description and the schema.org JSON-LD with a feed link in <head>.
"""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cslab.events import ical
from cslab.events.detail_parts import DetailPart, register_detail_part
from cslab.events.jsonld import event_jsonld
from cslab.events.models import Event
from cslab.events.selectors.calendars import (
    FEED_FACETS,
    event_facet_label,
    event_facets_with_events,
    event_list_for_feed,
)
from cslab.events.selectors.events import event_get
from cslab.events.vocabulary import EventKind
from cslab.projects.vocabulary import Faculty, ResearchDomain

CALENDAR_TYPE = "text/calendar; charset=utf-8"
FEED_CACHE_SECONDS = 15 * 60


def _calendar_response(content: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=CALENDAR_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_GET
def event_feed_ics(request: HttpRequest) -> HttpResponse:
    content = ical.event_calendar(event_list_for_feed(), name=_("Citizen Science Lab events"))
    response = _calendar_response(content, "cslab-events.ics", attachment=False)
    response["Cache-Control"] = f"public, max-age={FEED_CACHE_SECONDS}"
    return response


@require_GET
def event_feed_filtered_ics(request: HttpRequest, facet: str, value: str) -> HttpResponse:
    label = event_facet_label(facet, value)  # unknown facet or value: 404
    events = event_list_for_feed(facet=facet, value=value)
    name = _("Citizen Science Lab events: %(label)s") % {"label": label}
    response = _calendar_response(
        ical.event_calendar(events, name=name),
        f"cslab-events-{facet}-{value}.ics",
        attachment=False,
    )
    response["Cache-Control"] = f"public, max-age={FEED_CACHE_SECONDS}"
    return response


@require_GET
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(request.user, slug)
    content = ical.event_calendar([event], name=event.title)
    response = _calendar_response(content, f"{event.slug}.ics", attachment=True)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def event_calendars(request: HttpRequest) -> HttpResponse:
    with_events = event_facets_with_events()
    groups = [
        {
            "title": _("Per kind of event"),
            "feeds": [_feed(request, "kind", value, label) for value, label in EventKind.choices],
        },
        {
            "title": _("Per faculty"),
            "feeds": [
                _feed(request, "faculty", value, str(Faculty(value).label))
                for value in with_events["faculty"]
            ],
        },
        {
            "title": _("Per research domain"),
            "feeds": [
                _feed(request, "domain", value, str(ResearchDomain(value).label))
                for value in with_events["domain"]
            ],
        },
    ]
    site_wide = _links(request, reverse("event_feed_ics"))
    return render(
        request,
        "events/calendars.html",
        {"site_wide": site_wide, "groups": [group for group in groups if group["feeds"]]},
    )


def _links(request: HttpRequest, feed_path: str) -> dict[str, str]:
    https = request.build_absolute_uri(feed_path)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _feed(request: HttpRequest, facet: str, value: str, label: Any) -> dict[str, str]:
    feed_path = reverse("event_feed_filtered_ics", kwargs={"facet": facet, "value": value})
    return {"label": str(label), **_links(request, feed_path)}


# --- the event page's parts ---


def google_calendar_url(event: Event, base_url: str) -> str | None:
    """A Google Calendar "add event" link for the event's first session (none without one)."""
    sessions = list(event.sessions.all())
    if not sessions:
        return None
    first = sessions[0]
    stamp = "%Y%m%dT%H%M%SZ"
    url = base_url.rstrip("/") + event.get_absolute_url()
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{ical._utc(first.starts_at):{stamp}}/{ical._utc(first.ends_at):{stamp}}",
        "details": f"{event.summary}\n\n{url}",
    }
    if event.is_in_person and (event.venue_name or event.venue_address):
        params["location"] = ", ".join(p for p in (event.venue_name, event.venue_address) if p)
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def _add_to_calendar_context(request: HttpRequest, event: Any) -> dict[str, Any] | None:
    if event.status == Event.Status.CANCELLED or not event.sessions.all():
        return None
    return {
        "event": event,
        "ics_url": reverse("event_ics", kwargs={"slug": event.slug}),
        "google_url": google_calendar_url(event, request.build_absolute_uri("/")),
        "series": len(event.sessions.all()) > 1,
    }


def _head_context(request: HttpRequest, event: Any) -> dict[str, Any] | None:
    if event.status == Event.Status.DRAFT:
        return None
    return {
        "event_ld": event_jsonld(event, base_url=request.build_absolute_uri("/")),
        "ics_url": reverse("event_ics", kwargs={"slug": event.slug}),
        "event": event,
    }


register_detail_part(
    DetailPart(
        "add_to_calendar",
        "aside",
        "events/_detail_calendar.html",
        _add_to_calendar_context,
        order=30,
    )
)
register_detail_part(
    DetailPart("jsonld", "head", "events/_detail_jsonld.html", _head_context, order=10)
)

urlpatterns: list[URLPattern] = [
    path("events/feed.ics", event_feed_ics, name="event_feed_ics"),
    path(
        "events/feed/<str:facet>/<str:value>.ics",
        event_feed_filtered_ics,
        name="event_feed_filtered_ics",
    ),
    path("events/calendars/", event_calendars, name="event_calendars"),
    path("events/<slug:slug>/event.ics", event_ics, name="event_ics"),
]

__all__ = ["FEED_FACETS", "urlpatterns"]
