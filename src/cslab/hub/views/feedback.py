"""Feedback on a resource's page: "used in my project", endorsements, ratings, comments, and the
comment moderation queue. Thin: each view parses a form, calls one service, and sends the
person back to the resource with a message.

A form the page cannot produce (stars outside 1 to 5, hiding without a reason) answers 400; a
refusal the person can act on (an empty comment, flagging one's own) comes back as a message;
not being allowed is the 403/404 page (`DomainErrorMiddleware`).
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
from django.views.decorators.http import require_POST
from django.views.defaults import bad_request

from cslab.core.actors import SignedInRequest
from cslab.core.errors import DomainError, InvalidInputError
from cslab.core.middleware import status_for
from cslab.hub.detail_parts import DetailPart, register_detail_part
from cslab.hub.models import Resource
from cslab.hub.selectors import feedback as selectors
from cslab.hub.selectors.resources import resource_get
from cslab.hub.services import feedback as services

# --- forms (parsing only; the services hold the rules) ---


class UseForm(forms.Form):
    project = forms.IntegerField(label=gettext_lazy("Project"), min_value=1)
    note = forms.CharField(
        label=gettext_lazy("How it was used (optional)"), required=False, max_length=500
    )


class EndorseForm(forms.Form):
    action = forms.ChoiceField(choices=[("endorse", "endorse"), ("withdraw", "withdraw")])
    statement = forms.CharField(required=False, max_length=500)


class RateForm(forms.Form):
    stars = forms.TypedChoiceField(choices=[(n, n) for n in services.STARS], coerce=int)


class CommentForm(forms.Form):
    text = forms.CharField(required=False)


class FlagForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)


class HideForm(forms.Form):
    reason = forms.CharField(max_length=500)


# --- the resource page's parts ---


def _summary(request: HttpRequest, resource: Resource) -> selectors.FeedbackSummary:
    """The summary once per request: the "main" and "aside" parts both read it."""
    cache: dict[int, selectors.FeedbackSummary] = request.__dict__.setdefault("_hub_feedback", {})
    if resource.pk not in cache:
        cache[resource.pk] = selectors.resource_feedback_summary(resource, request.user)
    return cache[resource.pk]


def _feedback_context(request: HttpRequest, resource: Any) -> dict[str, Any] | None:
    summary = _summary(request, resource)
    if not summary.published and not summary.comments and not summary.endorsements:
        return None
    return {"feedback": summary, "stars": list(services.STARS), "resource": resource}


def _uses_context(request: HttpRequest, resource: Any) -> dict[str, Any] | None:
    summary = _summary(request, resource)
    if not summary.uses and not summary.projects_to_add:
        return None
    return {"feedback": summary, "resource": resource}


register_detail_part(
    DetailPart("feedback", "main", "hub/_detail_feedback.html", _feedback_context, order=60)
)
register_detail_part(DetailPart("uses", "aside", "hub/_detail_uses.html", _uses_context, order=40))


# --- actions ---


def _back(resource: Resource, anchor: str) -> HttpResponse:
    return redirect(f"{resource.get_absolute_url()}#{anchor}")


def _refused(request: HttpRequest, error: DomainError) -> None:
    """Show a refusal the person can act on; let the others become their page."""
    if status_for(error) in (401, 403, 404):
        raise error
    messages.error(request, error.message)


@login_required
@require_POST
def resource_use(request: SignedInRequest, slug: str) -> HttpResponse:
    resource = resource_get(request.user, slug)
    form = UseForm(request.POST)
    if not form.is_valid():
        return bad_request(request, InvalidInputError(_("Choose one of your projects.")))
    project = selectors.feedback_project_get(request.user, form.cleaned_data["project"])
    try:
        services.resource_use_add(
            actor=request.user, resource=resource, project=project, note=form.cleaned_data["note"]
        )
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("Noted: %(project)s uses this resource.") % {"project": project.name}
        )
    return _back(resource, "uses")


@login_required
@require_POST
def resource_use_remove(request: SignedInRequest, use_id: int) -> HttpResponse:
    use = selectors.resource_use_get(request.user, use_id)
    services.resource_use_remove(actor=request.user, use=use)
    messages.success(
        request,
        _("%(project)s no longer lists this resource.") % {"project": use.project.name},
    )
    if use.resource.is_public:
        return _back(use.resource, "uses")
    return redirect(use.project)


@login_required
@require_POST
def resource_endorse(request: SignedInRequest, slug: str) -> HttpResponse:
    resource = resource_get(request.user, slug)
    form = EndorseForm(request.POST)
    if not form.is_valid():
        return bad_request(request, InvalidInputError(_("Choose to endorse or withdraw.")))
    try:
        if form.cleaned_data["action"] == "endorse":
            services.resource_endorse(
                actor=request.user, resource=resource, statement=form.cleaned_data["statement"]
            )
            messages.success(request, _("You endorse this resource."))
        else:
            services.resource_endorsement_withdraw(actor=request.user, resource=resource)
            messages.success(request, _("Your endorsement is withdrawn."))
    except DomainError as error:
        _refused(request, error)
    return _back(resource, "endorsements")


@login_required
@require_POST
def resource_rate(request: SignedInRequest, slug: str) -> HttpResponse:
    resource = resource_get(request.user, slug)
    form = RateForm(request.POST)
    if not form.is_valid():
        return bad_request(request, InvalidInputError(_("Give from 1 to 5 stars.")))
    try:
        services.resource_rate(
            actor=request.user, resource=resource, stars=form.cleaned_data["stars"]
        )
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Thank you for rating this resource."))
    return _back(resource, "rating")


@login_required
@require_POST
def resource_comment(request: SignedInRequest, slug: str) -> HttpResponse:
    resource = resource_get(request.user, slug)
    form = CommentForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        comment = services.resource_comment_post(actor=request.user, resource=resource, text=text)
    except DomainError as error:
        _refused(request, error)
        return _back(resource, "comments")
    return _back(resource, f"comment-{comment.pk}")


@login_required
@require_POST
def comment_flag(request: SignedInRequest, comment_id: int) -> HttpResponse:
    comment = selectors.resource_comment_get(request.user, comment_id)
    form = FlagForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.resource_comment_flag(actor=request.user, comment=comment, reason=reason)
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Thank you: the curators will look at the comment."))
    return _back(comment.resource, f"comment-{comment.pk}")


def _after_moderation(request: HttpRequest, comment: Any) -> HttpResponse:
    if request.POST.get("from") == "queue":
        return redirect("hub_comment_moderation")
    return _back(comment.resource, f"comment-{comment.pk}")


@login_required
@require_POST
def comment_hide(request: SignedInRequest, comment_id: int) -> HttpResponse:
    comment = selectors.resource_comment_get(request.user, comment_id)
    form = HideForm(request.POST)
    if not form.is_valid():
        return bad_request(request, InvalidInputError(_("Say why the comment is hidden.")))
    try:
        services.resource_comment_hide(
            actor=request.user, comment=comment, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The comment is hidden."))
    return _after_moderation(request, comment)


@login_required
@require_POST
def comment_show(request: SignedInRequest, comment_id: int) -> HttpResponse:
    comment = selectors.resource_comment_get(request.user, comment_id)
    try:
        services.resource_comment_show(actor=request.user, comment=comment)
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The comment is shown and its flags are cleared."))
    return _after_moderation(request, comment)


@login_required
def comment_moderation(request: SignedInRequest) -> HttpResponse:
    comments = selectors.resource_comment_list_for_moderation(request.user)
    return render(request, "hub/comment_moderation.html", {"comments": comments})


urlpatterns: list[URLPattern] = [
    path("hub/comments/", comment_moderation, name="hub_comment_moderation"),
    path("hub/comments/<int:comment_id>/flag/", comment_flag, name="hub_comment_flag"),
    path("hub/comments/<int:comment_id>/hide/", comment_hide, name="hub_comment_hide"),
    path("hub/comments/<int:comment_id>/show/", comment_show, name="hub_comment_show"),
    path("hub/uses/<int:use_id>/remove/", resource_use_remove, name="hub_resource_use_remove"),
    path("hub/<slug:slug>/use/", resource_use, name="hub_resource_use"),
    path("hub/<slug:slug>/endorse/", resource_endorse, name="hub_resource_endorse"),
    path("hub/<slug:slug>/rate/", resource_rate, name="hub_resource_rate"),
    path("hub/<slug:slug>/comments/", resource_comment, name="hub_resource_comment"),
]
