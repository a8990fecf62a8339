"""Pages of events: registration (see events/urls.py).

Register (the form asks only the event's own questions), cancel (signed in, or with the token
of an e-mail's link, which works signed out), "My events", and the registration part of the
event page: places, the register/cancel box, and, for people with a place only, the joining
link of an online event. Thin: each view parses, calls one service or selector, renders.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cslab.core.actors import SignedInRequest
from cslab.core.errors import ConflictError
from cslab.core.problems import ProblemCode
from cslab.events.detail_parts import DetailPart, register_detail_part
from cslab.events.models import Event, Registration
from cslab.events.selectors import registrations as selectors
from cslab.events.selectors.events import event_get
from cslab.events.services import registrations as services

QUESTION_FIELDS = {
    "ask_dietary_needs": "dietary_needs",
    "ask_accessibility_needs": "accessibility_needs",
    "ask_organisation": "organisation",
}


class RegistrationForm(forms.Form):
    dietary_needs = forms.CharField(
        label=gettext_lazy("Dietary needs"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("For example vegetarian, vegan, allergies."),
    )
    accessibility_needs = forms.CharField(
        label=gettext_lazy("Accessibility needs"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What would help you take part?"),
    )
    organisation = forms.CharField(
        label=gettext_lazy("Organisation"), required=False, max_length=200
    )
    contact_consent = forms.BooleanField(
        label=gettext_lazy("The organisers may contact me about this and later events"),
        required=False,
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for flag, field in QUESTION_FIELDS.items():
            if not getattr(event, flag):
                del self.fields[field]


# --- the event page's part ---


def registration_context(request: HttpRequest, event: Any) -> dict[str, Any] | None:
    """Places, the viewer's place, the register/cancel buttons, the joining link."""
    registration = selectors.registration_active_for(request.user, event)
    return {
        "event": event,
        "registration": registration,
        "waitlist_position": (
            selectors.registration_waitlist_position(registration) if registration else None
        ),
        "registration_open": services.registration_is_open(event),
        "closes_at": services.registration_closes_at(event),
        "sees_joining_link": selectors.viewer_sees_joining_link(request.user, event),
    }


register_detail_part(
    DetailPart(
        "registration", "aside", "events/_detail_registration.html", registration_context, order=10
    )
)


# --- pages ---


@login_required
@require_http_methods(["GET", "POST"])
def event_register(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get(request.user, slug)
    existing = selectors.registration_active_for(request.user, event)
    if existing is not None:
        messages.info(request, _("You are already registered for this event."))
        return redirect(event.get_absolute_url())
    if not services.registration_is_open(event):
        messages.error(request, _("Registration for this event is closed."))
        return redirect(event.get_absolute_url())
    form = RegistrationForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                actor=request.user, event=event, **form.cleaned_data
            )
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect(event.get_absolute_url())
        if registration.status == Registration.Status.REGISTERED:
            messages.success(
                request,
                _("You are registered. We sent you an e-mail with the event for your calendar."),
            )
        else:
            messages.success(
                request,
                _(
                    "The event is full: you are on the waiting list. "
                    "We will e-mail you if a place frees up."
                ),
            )
        return redirect(event.get_absolute_url())
    return render(
        request,
        "events/register.html",
        {"event": event, "form": form, "full": event.is_full},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def event_registration_cancel(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get(request.user, slug)
    registration = selectors.registration_get_active(request.user, event)
    services.registration_cancel(actor=request.user, registration=registration)
    messages.success(request, _("Your registration is cancelled."))
    if request.POST.get("next") == "mine":
        return redirect("my_events")
    return redirect(event.get_absolute_url())


@require_http_methods(["GET", "POST"])
def event_registration_cancel_by_token(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_get_by_token(token)
    context: dict[str, Any] = {"registration": registration, "event": registration.event}
    if request.method == "POST":
        try:
            services.registration_cancel_by_token(token=token)
        except ConflictError as error:
            if error.code != ProblemCode.REGISTRATION_ALREADY_CANCELLED:
                raise
            context["already_cancelled"] = True
        else:
            context["cancelled"] = True
    elif registration.status == Registration.Status.CANCELLED:
        context["already_cancelled"] = True
    return render(request, "events/cancel_by_token.html", context)


@login_required
def my_events(request: SignedInRequest) -> HttpResponse:
    return render(
        request, "events/my_events.html", {"mine": selectors.registration_list_mine(request.user)}
    )


urlpatterns: list[URLPattern] = [
    path("events/mine/", my_events, name="my_events"),
    path(
        "events/cancel/<str:token>/",
        event_registration_cancel_by_token,
        name="event_registration_cancel_by_token",
    ),
    path("events/<slug:slug>/register/", event_register, name="event_register"),
    path("events/<slug:slug>/cancel/", event_registration_cancel, name="event_registration_cancel"),
]
