"""Pages of events: listing (see events/urls.py). The events list with its tabs and filters,
"Events I organise", the event form (create, edit), publish and cancel, the event page and its
cover image. Thin: each view parses input, calls selectors and services, renders. The event
page renders what the other parts register in `events.detail_parts`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cslab.core import permissions
from cslab.core.actors import Actor, SignedInRequest, person_or_none
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.markdown import render_markdown
from cslab.core.media_serving import ServedFile, file_extension, safe_filename, serve_file
from cslab.events import detail_parts
from cslab.events.forms import CancelForm, EventForm, add_service_errors
from cslab.events.models import Event
from cslab.events.rules import ORGANISING_PROJECT_ROLES
from cslab.events.selectors.events import event_get, event_get_for_managing, event_list_managed
from cslab.events.selectors.listing import (
    EventFilters,
    event_list_filtered,
    event_projects_visible,
    event_resource_links_visible,
)
from cslab.events.services.events import event_cancel, event_create, event_publish, event_update
from cslab.events.vocabulary import AttendanceMode, EventKind, EventPersonRole, EventTagKind
from cslab.hub import files as hub_files
from cslab.hub.vocabulary import Audience, ResourceLanguage
from cslab.projects import selectors as project_selectors
from cslab.projects.models import Membership
from cslab.projects.vocabulary import Faculty, ResearchDomain

PAGE_SIZE = 12
STATUS_BADGES: dict[str, str] = {
    Event.Status.DRAFT: "badge-quiet",
    Event.Status.PUBLISHED: "badge-success",
    Event.Status.CANCELLED: "badge-danger",
}
TAG_LABELS: dict[str, dict[str, Any]] = {
    EventTagKind.FACULTY: dict(Faculty.choices),
    EventTagKind.DOMAIN: dict(ResearchDomain.choices),
    EventTagKind.AUDIENCE: dict(Audience.choices),
}
FILTER_CHOICES: dict[str, Any] = {
    "kind": EventKind.choices,
    "faculty": Faculty.choices,
    "domain": ResearchDomain.choices,
    "language": ResourceLanguage.choices,
    "attendance": AttendanceMode.choices,
}


def tag_labels(event: Event, kind: str) -> list[str]:
    labels = TAG_LABELS.get(kind, {})
    return [str(labels.get(value, value)) for value in event.tags_of(EventTagKind(kind))]


def _may_organise(user: Actor) -> tuple[bool, bool]:
    """Whether the person may create Lab events, and whether they may organise any event."""
    may_create = permissions.has_permission(user, "events.event.create")
    if not user.is_authenticated:
        return False, False
    organises = (
        may_create
        or Membership.objects.filter(
            user=person_or_none(user), role__in=sorted(ORGANISING_PROJECT_ROLES)
        ).exists()
        or event_list_managed(user).exists()
    )
    return may_create, organises


# --- lists ---------------------------------------------------------------------------------------


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    filters = EventFilters(
        when="past" if params.get("when") == "past" else "upcoming",
        **{
            name: value
            for name, choices in FILTER_CHOICES.items()
            if (value := params.get(name, "")) in dict(choices)
        },
        q=params.get("q", "")[:200],
    )
    events = event_list_filtered(filters, now=timezone.now())
    page = Paginator(events, PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    tab_query = query.copy()
    tab_query.pop("when", None)
    may_create, organises = _may_organise(request.user)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "tab_query": tab_query.urlencode(),
        "filter_fields": [
            {
                "name": name,
                "label": label,
                "choices": FILTER_CHOICES[name],
                "value": getattr(filters, name),
            }
            for name, label in (
                ("kind", _("Kind")),
                ("faculty", _("Faculty")),
                ("domain", _("Research domain")),
                ("language", _("Language")),
                ("attendance", _("How people attend")),
            )
        ],
        "filtered": any(getattr(filters, name) for name in (*FILTER_CHOICES, "q")),
        "may_create": may_create,
        "organises": organises,
    }
    return render(request, "events/event_list.html", context)


@login_required
@require_safe
def event_list_managed_page(request: SignedInRequest) -> HttpResponse:
    events = (
        event_list_managed(request.user).select_related("project").order_by("-starts_at", "-id")
    )
    page = Paginator(events, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    rows = [{"event": event, "badge": STATUS_BADGES.get(event.status, "")} for event in page]
    may_create, _organises = _may_organise(request.user)
    return render(
        request,
        "events/event_list_managed.html",
        {"page": page, "rows": rows, "may_create": may_create, "now": timezone.now()},
    )


# --- create and edit -----------------------------------------------------------------------------


def _form_response(request: HttpRequest, context: dict[str, Any], *, invalid: bool) -> HttpResponse:
    return render(request, "events/event_form.html", context, status=400 if invalid else 200)


@login_required
def event_create_page(request: SignedInRequest) -> HttpResponse:
    """The event form; with ?project=<slug>, an event of that project."""
    project = None
    project_slug = request.GET.get("project", "")
    if project_slug:
        project = project_selectors.project_get_for_viewing(user=request.user, slug=project_slug)
        permissions.require(request.user, "events.event.create_for_project", project)
    else:
        permissions.require(request.user, "events.event.create")
    bound = request.method == "POST"
    form = EventForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        user=request.user,
        project=project,
        initial={
            "kind": EventKind.WORKSHOP,
            "attendance_mode": AttendanceMode.IN_PERSON,
            "language": "nl" if request.LANGUAGE_CODE[:2] == "nl" else "en",
            "ask_accessibility_needs": True,
        },
    )
    if bound and form.is_valid():
        try:
            event = event_create(actor=request.user, project=project, **form.changes())
        except InvalidInputError as error:
            add_service_errors(form, error.details, error.message)
        except ConflictError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Saved as a draft. Publish it from its page when it is ready.")
            )
            return redirect(event)
    context = {"form": form, "event": None, "project": project, "zone": _zone_name()}
    return _form_response(request, context, invalid=bound)


@login_required
def event_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_managing(request.user, slug)
    bound = request.method == "POST" and event.status != Event.Status.CANCELLED
    form = EventForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        user=request.user,
        event=event,
    )
    if bound and form.is_valid():
        try:
            event_update(actor=request.user, event=event, **form.changes())
        except InvalidInputError as error:
            add_service_errors(form, error.details, error.message)
        except ConflictError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(event)
    context = {
        "form": form,
        "event": event,
        "project": event.project,
        "zone": _zone_name(),
        "cancel_form": CancelForm(),
    }
    return _form_response(request, context, invalid=bound)


@login_required
@require_POST
def event_publish_page(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_managing(request.user, slug)
    try:
        event_publish(actor=request.user, event=event)
    except (InvalidInputError, ConflictError) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Published: the event is listed and people may register."))
    return redirect(event)


@login_required
@require_POST
def event_cancel_page(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_managing(request.user, slug)
    cancel_form = CancelForm(request.POST)
    if cancel_form.is_valid():
        try:
            event_cancel(actor=request.user, event=event, reason=cancel_form.cleaned_data["reason"])
        except InvalidInputError as error:
            cancel_form.add_error("reason", error.message)
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect(event)
        else:
            messages.success(request, _("Cancelled. The people who registered are told."))
            return redirect(event)
    context = {
        "form": EventForm(user=request.user, event=event),
        "event": event,
        "project": event.project,
        "zone": _zone_name(),
        "cancel_form": cancel_form,
    }
    return _form_response(request, context, invalid=True)


def _zone_name() -> str:
    return timezone.get_current_timezone_name()


# --- the event page ------------------------------------------------------------------------------


@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(request.user, slug)
    resource_links = event_resource_links_visible(request.user, event)
    people = _people(request.user, event)
    context = {
        "event": event,
        "description": render_markdown(event.description),
        "sessions": list(event.sessions.all()),
        "organisers": [person for person in people if person["role"] == EventPersonRole.ORGANISER],
        "speakers": [person for person in people if person["role"] == EventPersonRole.SPEAKER],
        "faculties": tag_labels(event, EventTagKind.FACULTY),
        "domains": tag_labels(event, EventTagKind.DOMAIN),
        "audience": tag_labels(event, EventTagKind.AUDIENCE),
        "resource_links": resource_links,
        "linked_projects": event_projects_visible(request.user, event),
        "organising_project": _organising_project(request.user, event),
        "zone": _zone_name(),
        "can_manage": permissions.has_permission(request.user, "events.event.manage", event),
        "status_badge": STATUS_BADGES.get(event.status, ""),
        "parts": detail_parts.detail_parts_for(request, event),
    }
    return render(request, "events/event_detail.html", context)


def _people(viewer: Actor, event: Event) -> list[dict[str, Any]]:
    """Each organiser and speaker, with their profile address when the viewer may see it."""
    people = []
    for person in event.people.all():
        url = ""
        if person.user is not None and permissions.has_permission(
            viewer, "profile.view", person.user
        ):
            url = person.user.get_absolute_url()
        people.append(
            {
                "name": person.name,
                "role": person.role,
                "affiliation": person.affiliation,
                "url": url,
            }
        )
    return people


def _organising_project(viewer: Actor, event: Event) -> Any:
    project = event.project
    if project is None or not permissions.has_permission(viewer, "project.view", project):
        return None
    return project


@require_safe
def event_cover(request: HttpRequest, slug: str) -> HttpResponseBase:
    """Serve the cover image to whoever may open the event."""
    event = event_get(request.user, slug)
    if not event.cover_image:
        raise NotFoundError()
    content_type = hub_files.stored_cover_content_type(event.cover_image)
    return serve_file(
        request,
        ServedFile(
            file=event.cover_image,
            content_type=content_type,
            filename=safe_filename(event.slug, file_extension(event.cover_image)),
            inline=content_type != "application/octet-stream",
            private=event.status != Event.Status.PUBLISHED or event.project_id is not None,
        ),
    )


# `/events/<slug>/` comes last: the fixed paths above are reserved slugs.
urlpatterns: list[URLPattern] = [
    path("events/", event_list, name="event_list"),
    path("events/manage/", event_list_managed_page, name="event_list_managed"),
    path("events/new/", event_create_page, name="event_create"),
    path("events/<slug:slug>/edit/", event_edit, name="event_edit"),
    path("events/<slug:slug>/publish/", event_publish_page, name="event_publish"),
    path("events/<slug:slug>/cancel-event/", event_cancel_page, name="event_cancel"),
    path("events/<slug:slug>/cover", event_cover, name="event_cover"),
    path("events/<slug:slug>/", event_detail, name="event_detail"),
]
