"""My cslab: one home for a participant, and "where my contribution went"."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from cslab.consent.models import ConsentRecord
from cslab.consent.selectors import consent_list_mine
from cslab.core.actors import SignedInRequest
from cslab.core.roles import ProjectRole
from cslab.events.selectors.registrations import registration_list_mine
from cslab.impact.selectors import output_list_where_my_contribution_went
from cslab.notifications.selectors import notification_list_for_user, notification_unread_count
from cslab.participants.selectors import (
    contribution_counts,
    credit_name_for,
    credit_preference_list_mine,
)
from cslab.projects.selectors import project_list_for_member
from cslab.training.learning_paths import my_training

SHOWN = 5
CONSENTS_SHOWN = 10


def consent_status(record: ConsentRecord) -> tuple[str, Any]:
    """The state of a consent record, as a badge class and a label."""
    if record.withdrawn_at is not None:
        return "badge-danger", _("Withdrawn")
    if record.superseded_at is not None:
        return "badge-quiet", _("Superseded")
    return "badge-success", _("Current")


def _my_projects(user: Any) -> list[dict[str, Any]]:
    roles = dict(ProjectRole.choices)
    # Filtering on the person's memberships first makes the role annotation use that row.
    projects = project_list_for_member(user=user).annotate(my_role=F("memberships__role"))
    return [
        {"project": project, "role": roles.get(project.my_role, "")} for project in projects[:SHOWN]
    ]


def _url_if_routed(name: str) -> str:
    # The notifications part adds its preferences page in the same issue; until it is routed
    # the link is left out rather than failing the page.
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@login_required
@require_safe
def my_cslab(request: SignedInRequest) -> HttpResponse:
    """A participant's home: projects and roles, contributions, events and training, consents,
    notifications, credit, where their contribution went and their data."""
    user = request.user
    events = registration_list_mine(user)
    training = my_training(user)
    consents = [
        {"record": record, "status": consent_status(record)}
        for record in consent_list_mine(user=user)[:CONSENTS_SHOWN]
    ]
    global_choice = next(
        (item for item in credit_preference_list_mine(user=user) if item.project_id is None), None
    )
    went = output_list_where_my_contribution_went(user=user)
    return render(
        request,
        "participants/my_cslab.html",
        {
            "projects": _my_projects(user),
            "counts": contribution_counts(user=user),
            "upcoming_events": events.upcoming[:SHOWN],
            "training_in_progress": training.in_progress[:SHOWN],
            "certificates": len(training.certificates),
            "consents": consents,
            "notifications": list(notification_list_for_user(user=user, unread_only=True)[:SHOWN]),
            "unread": notification_unread_count(user=user),
            "notification_preferences_url": _url_if_routed("notification_preferences"),
            "credit_choice": global_choice,
            "credit_name": credit_name_for(user=user),
            "went": went[:SHOWN],
            "outputs_total": sum(len(item.outputs) for item in went),
        },
    )


@login_required
@require_safe
def my_outputs(request: SignedInRequest) -> HttpResponse:
    """Every output of the projects the person contributed to, grouped by project, with the
    period of their contribution there."""
    return render(
        request,
        "participants/my_outputs.html",
        {"went": output_list_where_my_contribution_went(user=request.user)},
    )


urlpatterns: list[URLPattern] = [
    path("me/", my_cslab, name="my_cslab"),
    path("me/where-it-went/", my_outputs, name="my_outputs"),
]
