"""Pages of events: after the event and for its organisers (part "after").

The dashboard, attendance (marking and check-in), the attendee export, the feedback survey and
publishing the recording and slides; and the event page's parts for them. Thin: each view parses
a form, calls one service or selector, and renders. A refusal the person can act on (a wrong
check-in code, a second survey answer) comes back on the form with its status (400, 409); not
being allowed is the 403/404 page (`DomainErrorMiddleware`).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cslab.core import permissions
from cslab.core.actors import SignedInRequest
from cslab.core.errors import DomainError, PermissionDeniedError
from cslab.core.middleware import status_for
from cslab.core.problems import ProblemCode
from cslab.core.site import site_absolute_url
from cslab.events.detail_parts import DetailPart, register_detail_part
from cslab.events.models import EventFeedback, Registration
from cslab.events.selectors import dashboard as selectors
from cslab.events.selectors.events import event_get, event_get_for_managing
from cslab.events.services import attendance, feedback, recordings
from cslab.hub.vocabulary import ResourceLicence

SCORES = [(str(score), str(score)) for score in range(1, 6)]

# --- forms (parsing only; the services hold the rules) ---


class CheckInForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Check-in code"), max_length=20)


class FeedbackForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=gettext_lazy("Overall, how was it? (1 = poor, 5 = excellent)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label=gettext_lazy("How useful was it for your work? (1 = not at all, 5 = very)"),
        choices=SCORES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label=gettext_lazy("Would you recommend it to a colleague?"),
        choices=[
            ("", gettext_lazy("No answer")),
            ("yes", gettext_lazy("Yes")),
            ("no", gettext_lazy("No")),
        ],
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("What should the organisers keep or change?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RecordingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    video_url = forms.URLField(
        label=gettext_lazy("Link to the recording (video)"),
        required=False,
        max_length=1000,
        assume_scheme="https",
    )
    slides = forms.FileField(label=gettext_lazy("Slides (PDF or presentation)"), required=False)
    licence = forms.ChoiceField(
        label=gettext_lazy("Licence"),
        choices=ResourceLicence.choices,
        initial=ResourceLicence.CC_BY,
    )


# --- the event page's parts ---


def _after_context(request: HttpRequest, event: Any) -> dict[str, Any] | None:
    user = request.user
    registration = None
    if user.is_authenticated and user.pk is not None:
        registration = Registration.objects.filter(
            event=event, user_id=user.pk, status=Registration.Status.REGISTERED
        ).first()
    check_in = (
        registration is not None
        and registration.attended_at is None
        and attendance.check_in_is_open(event)
    )
    give_feedback = (
        registration is not None
        and registration.attended_at is not None
        and feedback.feedback_is_open(event)
        and not EventFeedback.objects.filter(event=event, user_id=registration.user_id).exists()
    )
    published = selectors.event_published_recordings(event)
    pending = selectors.event_pending_recordings(event)
    if not (check_in or give_feedback or published or pending):
        return None
    return {
        "event": event,
        "check_in": check_in,
        "check_in_form": CheckInForm(),
        "give_feedback": give_feedback,
        "recordings": published,
        "pending_recordings": pending,
    }


def _manage_context(request: HttpRequest, event: Any) -> dict[str, Any] | None:
    if not permissions.has_permission(request.user, "events.event.manage", event):
        return None
    return {"event": event}


register_detail_part(
    DetailPart("after", "main", "events/_part_after.html", _after_context, order=70)
)
register_detail_part(
    DetailPart("manage", "aside", "events/_part_manage.html", _manage_context, order=10)
)


# --- pages ---


@login_required
@require_GET
def event_dashboard(request: SignedInRequest, slug: str) -> HttpResponse:
    board = selectors.event_dashboard(request.user, slug)
    return render(request, "events/dashboard.html", {"board": board, "event": board.event})


@login_required
@require_http_methods(["GET", "POST"])
def event_attendance(request: SignedInRequest, slug: str) -> HttpResponse:
    event, registered = selectors.event_attendance_list(request.user, slug)
    if request.method == "POST":
        if "mark_all" in request.POST:
            ids = {registration.pk for registration in registered}
        else:
            ids = {int(value) for value in request.POST.getlist("attended") if value.isdigit()}
        changed = attendance.attendance_mark_many(actor=request.user, event=event, attended_ids=ids)
        messages.success(
            request,
            _("Attendance saved: %(present)d of %(total)d present (%(changed)d changed).")
            % {
                "present": len(ids & {registration.pk for registration in registered}),
                "total": len(registered),
                "changed": changed,
            },
        )
        return redirect("event_attendance", slug=event.slug)
    check_in_url = site_absolute_url(reverse("event_check_in", kwargs={"slug": event.slug}))
    return render(
        request,
        "events/attendance.html",
        {
            "event": event,
            "registered": registered,
            "present": sum(1 for r in registered if r.attended_at),
            "check_in_url": check_in_url,
            "check_in_open": attendance.check_in_is_open(event),
        },
    )


@login_required
@require_GET
def event_attendees_csv(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_managing(request.user, slug)
    content = attendance.attendees_csv(actor=request.user, event=event)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def event_check_in(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get(request.user, slug)
    registration = Registration.objects.filter(
        event=event, user_id=request.user.pk, status=Registration.Status.REGISTERED
    ).first()
    form = CheckInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            try:
                attendance.attendance_check_in(
                    actor=request.user, event=event, code=form.cleaned_data["code"]
                )
            except DomainError as error:
                status = _form_error(form, error)
            else:
                messages.success(request, _("You are checked in. Welcome!"))
                return redirect("event_check_in", slug=event.slug)
    context = {
        "event": event,
        "form": form,
        "registration": registration,
        "is_open": attendance.check_in_is_open(event),
    }
    return render(request, "events/check_in.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def event_feedback(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get(request.user, slug)
    given = EventFeedback.objects.filter(event=event, user_id=request.user.pk).first()
    if given is None and not feedback.has_attended(event, request.user.pk):
        raise PermissionDeniedError(
            _("Only people who attended the event can give feedback on it."),
            code=ProblemCode.NOT_ATTENDED,
        )
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            try:
                feedback.feedback_give(actor=request.user, event=event, **form.cleaned_data)
            except DomainError as error:
                status = _form_error(form, error)
            else:
                messages.success(request, _("Thank you for your feedback!"))
                return redirect("event_feedback", slug=event.slug)
    context = {
        "event": event,
        "form": form,
        "given": given,
        "is_open": feedback.feedback_is_open(event),
    }
    return render(request, "events/feedback.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def event_publish_recording(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_managing(request.user, slug)
    form = RecordingForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                result = recordings.recording_publish(
                    actor=request.user,
                    event=event,
                    title=data["title"],
                    video_url=data["video_url"],
                    slides=data["slides"],
                    licence=data["licence"],
                )
            except DomainError as error:
                status = _form_error(form, error)
            else:
                if result.published:
                    messages.success(request, _("Published in the hub and on the event page."))
                else:
                    messages.success(
                        request,
                        _(
                            "Sent to the hub's curators: it appears on the event page once "
                            "a curator publishes it."
                        ),
                    )
                return redirect("event_dashboard", slug=event.slug)
    context = {
        "event": event,
        "form": form,
        "publishes_at_once": recordings.may_publish_at_once(request.user),
    }
    return render(request, "events/recording.html", context, status=status)


def _form_error(form: forms.Form, error: DomainError) -> int:
    """Put a refusal on the form and return its status; let 401/403/404 become their page."""
    status = status_for(error)
    if status in (401, 403, 404):
        raise error
    form.add_error(None, error.message)
    return status


urlpatterns: list[URLPattern] = [
    path("events/<slug:slug>/dashboard/", event_dashboard, name="event_dashboard"),
    path("events/<slug:slug>/attendance/", event_attendance, name="event_attendance"),
    path("events/<slug:slug>/attendees.csv", event_attendees_csv, name="event_attendees_csv"),
    path("events/<slug:slug>/check-in/", event_check_in, name="event_check_in"),
    path("events/<slug:slug>/feedback/", event_feedback, name="event_feedback"),
    path("events/<slug:slug>/recording/", event_publish_recording, name="event_publish_recording"),
]
