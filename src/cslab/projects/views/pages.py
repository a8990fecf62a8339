"""Project pages: start, profile, edit, checklist, lifecycle moves, review queue, my projects;
and the organisation pages. Thin: each view parses input, calls a selector or service, renders.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cslab.core import permissions, project_page
from cslab.core.actors import Actor, SignedInRequest
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.redirects import safe_next
from cslab.core.roles import ProjectRole
from cslab.projects import lifecycle, selectors
from cslab.projects.forms import (
    ChecklistForm,
    OrganisationCreateForm,
    ProjectCreateForm,
    ProjectEditForm,
    TransitionForm,
    add_service_errors,
    tag_label,
)
from cslab.projects.jsonld import project_jsonld
from cslab.projects.models import Project
from cslab.projects.services.lifecycle import project_checklist, project_transition
from cslab.projects.services.projects import (
    organisation_create,
    project_acknowledge_edits,
    project_create,
    project_update,
)
from cslab.projects.vocabulary import TagKind

Status = Project.Status

# What the button that makes each lifecycle move says.
ACTION_LABELS: dict[tuple[str, str], Any] = {
    (Status.IDEA, Status.INCUBATING): gettext_lazy("Start incubating"),
    (Status.INCUBATING, Status.IN_REVIEW): gettext_lazy("Submit for review"),
    (Status.CHANGES_REQUESTED, Status.IN_REVIEW): gettext_lazy("Submit again for review"),
    (Status.IN_REVIEW, Status.ACTIVE): gettext_lazy("Approve"),
    (Status.IN_REVIEW, Status.CHANGES_REQUESTED): gettext_lazy("Request changes"),
    (Status.ACTIVE, Status.PAUSED): gettext_lazy("Pause"),
    (Status.PAUSED, Status.ACTIVE): gettext_lazy("Resume"),
    (Status.ACTIVE, Status.ANALYSING): gettext_lazy("Start analysing"),
    (Status.ANALYSING, Status.ACTIVE): gettext_lazy("Back to active"),
    (Status.ANALYSING, Status.COMPLETED): gettext_lazy("Mark as completed"),
    (Status.COMPLETED, Status.ARCHIVED): gettext_lazy("Archive"),
    (Status.PAUSED, Status.ARCHIVED): gettext_lazy("Archive"),
    (Status.IDEA, Status.ARCHIVED): gettext_lazy("Archive"),
    (Status.INCUBATING, Status.ARCHIVED): gettext_lazy("Archive"),
}

# Moves that step aside rather than forward: their buttons are secondary.
QUIET_TARGETS = frozenset({Status.ARCHIVED, Status.CHANGES_REQUESTED, Status.PAUSED})

CHECKLIST_LABELS = {
    "research_questions": gettext_lazy("Research question(s)"),
    "protocol": gettext_lazy("Protocol"),
    "data_management_plan": gettext_lazy("Data-management plan"),
    "ethics": gettext_lazy("Ethics approval reference (or why none is needed)"),
    "consent_text": gettext_lazy("Consent text"),
    "recruitment_plan": gettext_lazy("Participant recruitment plan"),
    "mentor": gettext_lazy("Mentor"),
}


# --- helpers (presentation only) ---


def _checklist(project: Project) -> dict[str, Any]:
    items = [
        {
            "field": item.field,
            "label": CHECKLIST_LABELS.get(item.field, item.label),
            "done": item.done,
        }
        for item in project_checklist(project)
    ]
    return {"items": items, "done": sum(item["done"] for item in items), "total": len(items)}


class ProjectActions(list[dict[str, Any]]):
    """What this person may do next with a project, as buttons: the lifecycle moves and, for
    an approved project that the public cannot find yet, publishing it.

    A list (the project page shows the actions when it is not empty); the templates read the
    two kinds apart through `publish` and `transitions`.
    """

    @property
    def publish(self) -> dict[str, Any] | None:
        return next((action for action in self if action["kind"] == "publish"), None)

    @property
    def transitions(self) -> list[dict[str, Any]]:
        return [action for action in self if action["kind"] == "transition"]


def _actions(user: Actor, project: Project) -> ProjectActions:
    """Return the moves this person may make now with the project."""
    actions = ProjectActions()
    # The prompt speaks to the project's leads ("your project"); Lab staff who are not on the
    # team may publish through the edit form, but are not prompted.
    leads = project.project_role_for(user) in (ProjectRole.OWNER, ProjectRole.RESEARCHER)
    if leads and project.is_approved and project.visibility != Project.Visibility.PUBLIC:
        actions.append({"kind": "publish", "to_status": None, "visibility": project.visibility})
    for transition in lifecycle.next_statuses(project.status):
        rule = "project.review" if transition.by == "staff" else "project.move"
        if permissions.has_permission(user, rule, project):
            actions.append(
                {
                    "kind": "transition",
                    "to_status": transition.target,
                    "label": ACTION_LABELS.get(
                        (transition.source, transition.target), Status(transition.target).label
                    ),
                    "needs_comment": transition.needs_comment,
                    "by_staff": transition.by == "staff",
                    "primary": False,
                }
            )
    # One primary button per screen: publishing if offered, else the move forward.
    if actions.publish is None:
        forward = [a for a in actions.transitions if a["to_status"] not in QUIET_TARGETS]
        if forward:
            forward[-1 if project.status == Status.ANALYSING else 0]["primary"] = True
    return actions


def _field_labels(names: list[str]) -> list[str]:
    labels = []
    for name in names:
        try:
            field = Project._meta.get_field(name)
        except FieldDoesNotExist:
            labels.append(name)
            continue
        labels.append(str(getattr(field, "verbose_name", name)))
    return labels


def _tags(project: Project) -> dict[str, list[str]]:
    return {
        kind: [tag_label(kind, value) for value in project.tags_of(TagKind(kind))]
        for kind in TagKind.values
    }


# --- projects ---


@login_required
def project_create_page(request: SignedInRequest) -> HttpResponse:
    form = ProjectCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = project_create(
                actor=request.user,
                name=data["name"],
                status=data["status"],
                initiator_type=data["initiator_type"],
                organisation=data["organisation"],
                aim=data["aim"],
                description=data["description"],
            )
        except (InvalidInputError, ConflictError) as error:
            add_service_errors(form, error.details, error.message)
        else:
            messages.success(
                request,
                _("The project is started. Only its team and Lab staff see it until approval."),
            )
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "creating": True})


def project_detail_page(request: HttpRequest, slug: str) -> HttpResponse:
    project = selectors.project_get_for_viewing(user=request.user, slug=slug)
    user = request.user
    can = {
        "edit": permissions.has_permission(user, "project.edit", project),
        "review": permissions.has_permission(user, "project.review", project),
        "see_private": permissions.has_permission(user, "project.see_private_fields", project),
    }
    part = project_page.project_part(project, user)
    take_part = _take_part_actions(request, project, part.actions)
    context = {
        "project": project,
        "can": can,
        "tags": _tags(project),
        "timeline": selectors.project_timeline(user=user, project=project),
        "actions": _actions(user, project),
        "checklist": _checklist(project) if can["see_private"] else None,
        "flagged_fields": _field_labels(project.edits_flagged_fields) if can["review"] else [],
        "listed": project.is_approved and project.visibility == Project.Visibility.PUBLIC,
        "project_ld": project_jsonld(project, base_url=request.build_absolute_uri("/")),
        "on_team": project.project_role_for(user) is not None or permissions.is_staff(user),
        "primary_action": take_part[0] if take_part else None,
        "other_actions": take_part[1:],
        "figures": part.figures,
        "workflows": part.workflows,
        "data_links": part.links,
        "link_groups": part.link_groups,
    }
    return render(request, "projects/project_detail.html", context)


def _take_part_actions(
    request: HttpRequest, project: Project, actions: list[project_page.TakePartAction]
) -> list[project_page.TakePartAction]:
    """The areas' take-part actions for this visitor, and the way in for whoever has none yet:
    log in (and sign up) for an anonymous visitor, join for someone signed in who is not on the
    team of a project that takes members (after the areas' actions, so on an open project
    contributing stays the first thing offered and joining the second). Only a running project
    takes part at all."""
    if project.status != Status.ACTIVE:
        return []
    kind = project_page.ActionKind
    user = request.user
    taking_part = list(actions)
    if not user.is_authenticated:
        next_query = urlencode({"next": project.get_absolute_url()})
        taking_part += [
            project_page.TakePartAction(
                _("Log in to take part"), f"{reverse('account_login')}?{next_query}", kind.SIGN_IN
            ),
            project_page.TakePartAction(
                _("Sign up"), f"{reverse('account_signup')}?{next_query}", kind.SIGN_IN
            ),
        ]
    elif (
        project.project_role_for(user) is None
        and project.membership_policy != Project.MembershipPolicy.INVITE_ONLY
    ):
        join_url = reverse("project_join", kwargs={"slug": project.slug})
        taking_part.append(project_page.TakePartAction(_("Join this project"), join_url, kind.JOIN))
    return taking_part


@login_required
def project_edit_page(request: SignedInRequest, slug: str) -> HttpResponse:
    project = selectors.project_get_for_editing(user=request.user, slug=slug)
    bound = request.method == "POST"
    form = ProjectEditForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        user=request.user,
        project=project,
    )
    if bound and form.is_valid():
        try:
            project_update(actor=request.user, project=project, **form.changes())
        except (InvalidInputError, ConflictError) as error:
            add_service_errors(form, error.details, error.message)
        else:
            if project.edits_flagged_at and project.is_approved:
                messages.info(
                    request,
                    _("Saved. Lab staff will look at the changes; the project stays published."),
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(project)
    return render(
        request, "projects/project_form.html", {"form": form, "project": project, "creating": False}
    )


@login_required
def project_checklist_page(request: SignedInRequest, slug: str) -> HttpResponse:
    project = selectors.project_get_for_editing(user=request.user, slug=slug)
    form = ChecklistForm(request.POST or None, initial=ChecklistForm.initial_for(project))
    if request.method == "POST" and form.is_valid():
        try:
            project_update(actor=request.user, project=project, **form.cleaned_data)
        except InvalidInputError as error:
            add_service_errors(form, error.details, error.message)
        else:
            messages.success(request, _("The checklist is saved."))
            return redirect("project_checklist", slug=project.slug)
    checklist = _checklist(project)
    # Other areas' help with each item (the hub's templates) and for the whole project.
    guide = project_page.incubation_guide(project, request.user)
    for item in checklist["items"]:
        item["guide_links"] = guide.item_links.get(item["field"], [])
    context = {
        "project": project,
        "form": form,
        "checklist": checklist,
        "suggestions": guide.suggestions,
        "can_submit": any(
            action["to_status"] == Status.IN_REVIEW for action in _actions(request.user, project)
        ),
    }
    return render(request, "projects/project_checklist.html", context)


@login_required
@require_POST
def project_transition_page(request: SignedInRequest, slug: str) -> HttpResponse:
    project = selectors.project_get_for_viewing(user=request.user, slug=slug)
    form = TransitionForm(request.POST)
    target = safe_next(request, project.get_absolute_url())
    if not form.is_valid():
        messages.error(request, _("Choose what the project should become."))
        return redirect(target)
    try:
        project_transition(
            actor=request.user,
            project=project,
            to_status=form.cleaned_data["to_status"],
            comment=form.cleaned_data["comment"],
        )
    except (InvalidInputError, ConflictError) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(name)s” is now %(status)s.")
            % {"name": project.name, "status": project.get_status_display().lower()},
        )
    return redirect(target)


def review_queue_page(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list_for_review(user=request.user).select_related("organisation")
    items = [
        {
            "project": project,
            "checklist": _checklist(project),
            "flagged_fields": _field_labels(project.edits_flagged_fields),
        }
        for project in projects
    ]
    return render(request, "projects/review_queue.html", {"items": items})


@login_required
@require_POST
def project_acknowledge_edits_page(request: SignedInRequest, slug: str) -> HttpResponse:
    project = selectors.project_get_for_viewing(user=request.user, slug=slug)
    project_acknowledge_edits(actor=request.user, project=project)
    messages.success(
        request, _("The edits to “%(name)s” are marked as seen.") % {"name": project.name}
    )
    return redirect(safe_next(request, reverse("project_review_queue")))


# Who can see a project, in the words of its team, with the badge that marks it.
AUDIENCE = {
    "unapproved": (gettext_lazy("Only your team and Lab staff see it"), "badge-warning"),
    Project.Visibility.PRIVATE: (
        gettext_lazy("Private: only your team and Lab staff see it"),
        "badge-warning",
    ),
    Project.Visibility.UNLISTED: (gettext_lazy("Unlisted: anyone with the link"), "badge-accent"),
    Project.Visibility.PUBLIC: (gettext_lazy("Public: listed in the directory"), "badge-success"),
}


def _audience(project: Project) -> dict[str, Any]:
    """Say who can see the project now: before approval only its team, whatever it is set to."""
    label, badge = AUDIENCE["unapproved" if not project.is_approved else project.visibility]
    return {"label": label, "badge": badge}


@login_required
def my_projects_page(request: SignedInRequest) -> HttpResponse:
    # Filtering on the person's memberships first makes the role annotation use that same row.
    projects = list(
        selectors.project_list_for_member(user=request.user).annotate(
            my_role=F("memberships__role")
        )
    )
    roles = dict(ProjectRole.choices)
    leads = (ProjectRole.OWNER, ProjectRole.RESEARCHER)
    rows = [
        {
            "project": project,
            "role": roles.get(project.my_role, ""),
            "audience": _audience(project),
            "to_publish": project.my_role in leads
            and project.is_approved
            and project.visibility != Project.Visibility.PUBLIC,
            # The leads' next step before approval: the checklist (read from the row itself).
            "checklist": (
                _checklist(project)
                if project.my_role in leads and project.status in lifecycle.UNAPPROVED
                else None
            ),
        }
        for project in projects
    ]
    return render(
        request,
        "projects/my_projects.html",
        {"rows": rows, "to_publish": [row["project"] for row in rows if row["to_publish"]]},
    )


# --- organisations ---


def organisation_list_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "projects/organisation_list.html",
        {"organisations": selectors.organisation_list()},
    )


def organisation_detail_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_viewing(slug=slug)
    members = list(organisation.members.select_related("user").order_by("role", "created_at"))
    context = {
        "organisation": organisation,
        "public_members": [member for member in members if member.user.profile_public],
        "other_member_count": sum(1 for member in members if not member.user.profile_public),
        "projects": selectors.project_list_listed().filter(organisation=organisation),
    }
    return render(request, "projects/organisation_detail.html", context)


@login_required
def organisation_create_page(request: SignedInRequest) -> HttpResponse:
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_create(actor=request.user, **form.cleaned_data)
        except (InvalidInputError, ConflictError) as error:
            add_service_errors(form, error.details, error.message)
        else:
            messages.success(request, _("The organisation is created; you are its administrator."))
            return redirect(organisation)
    return render(request, "projects/organisation_form.html", {"form": form})


urlpatterns: list[URLPattern] = [
    path("projects/new/", project_create_page, name="project_create"),
    path("projects/mine/", my_projects_page, name="my_projects"),
    path("projects/<slug:slug>/", project_detail_page, name="project_detail"),
    path("projects/<slug:slug>/edit/", project_edit_page, name="project_edit"),
    path("projects/<slug:slug>/checklist/", project_checklist_page, name="project_checklist"),
    path("projects/<slug:slug>/transition/", project_transition_page, name="project_transition"),
    path("staff/review/", review_queue_page, name="project_review_queue"),
    path(
        "staff/review/<slug:slug>/acknowledge/",
        project_acknowledge_edits_page,
        name="project_acknowledge_edits",
    ),
    path("organisations/", organisation_list_page, name="organisation_list"),
    path("organisations/new/", organisation_create_page, name="organisation_create"),
    path("organisations/<slug:slug>/", organisation_detail_page, name="organisation_detail"),
]
