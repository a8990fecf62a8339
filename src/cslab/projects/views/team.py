"""Project pages: the team, invitations, joining and leaving, mentoring.

Thin: a form in, one service or selector per action, a message and a redirect out.

Domain errors a person can act on (a conflict, a refusal with a reason) become a message on
the page; NotFoundError and the like go to `DomainErrorMiddleware` (404, log-in redirect).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cslab.core.actors import SignedInRequest
from cslab.core.errors import ConflictError, DomainError, InvalidInputError, PermissionDeniedError
from cslab.core.role_requirements import role_requirements
from cslab.core.roles import ProjectRole
from cslab.projects.models import JoinRequest, Project
from cslab.projects.selectors import project_get_for_viewing
from cslab.projects.selectors import team as selectors
from cslab.projects.services import invitations, join_requests, mentoring, team

# Errors that leave the person on the page with a message rather than an error page.
ACTIONABLE = (ConflictError, InvalidInputError, PermissionDeniedError)


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=ProjectRole.choices, initial=ProjectRole.MEMBER
    )


class RoleForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=ProjectRole.choices)


class TargetForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)


class JoinForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message to the owners (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )


class MentorMatchForm(forms.Form):
    project = forms.SlugField(widget=forms.HiddenInput)
    mentor_email = forms.EmailField(
        label=gettext_lazy("Mentor's e-mail address"),
        help_text=gettext_lazy("The researcher must have a cslab account."),
    )


@require_http_methods(["GET", "POST"])
def project_team(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_get_for_viewing(user=request.user, slug=slug)
    invite_form = InviteForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "invite":
            invite_form = InviteForm(request.POST)
            if invite_form.is_valid():
                try:
                    invitations.invitation_send(
                        actor=request.user, project=project, **invite_form.cleaned_data
                    )
                except ACTIONABLE as error:
                    invite_form.add_error(None, error.message)
                else:
                    messages.success(
                        request,
                        _("The invitation is on its way to %(email)s.")
                        % {"email": invite_form.cleaned_data["email"]},
                    )
                    return redirect("project_team", slug=project.slug)
        else:
            _team_action(request, project, action)
            return redirect("project_team", slug=project.slug)
    page = selectors.team_page(user=request.user, project=project)
    status = 400 if invite_form.is_bound else 200
    return render(
        request,
        "projects/team.html",
        {
            "page": page,
            "project": project,
            "invite_form": invite_form,
            "roles": ProjectRole.choices,
            "role_requirements": _requirements_by_role(project) if page.can_manage else [],
        },
        status=status,
    )


def _requirements_by_role(project: Project) -> list[tuple[str, list[str]]]:
    """The roles that ask something first (e.g. a training module), for the managers' page."""
    rows = []
    for value, label in ProjectRole.choices:
        required = role_requirements(project, None, value)
        if required:
            rows.append((str(label), [item.label for item in required]))
    return rows


def _team_action(request: HttpRequest, project: Project, action: str) -> None:
    """Carry out one manager's action from the team page and say how it went."""
    form: forms.Form = RoleForm(request.POST) if action == "role" else TargetForm(request.POST)
    if action not in {"role", "remove", "revoke", "approve", "decline"} or not form.is_valid():
        messages.error(request, _("That did not work: the form was incomplete."))
        return
    target = form.cleaned_data["target"]
    user = request.user
    try:
        if action == "role":
            membership = selectors.membership_get_for_managing(
                user=user, project=project, membership_id=target
            )
            team.membership_change_role(
                actor=user, membership=membership, role=form.cleaned_data["role"]
            )
            messages.success(
                request,
                _("%(person)s is now %(role)s.")
                % {"person": membership.user.public_name, "role": membership.get_role_display()},
            )
        elif action == "remove":
            membership = selectors.membership_get_for_managing(
                user=user, project=project, membership_id=target
            )
            team.membership_remove(actor=user, membership=membership)
            messages.success(
                request,
                _("%(person)s is no longer on the team.") % {"person": membership.user.public_name},
            )
        elif action == "revoke":
            invitation = selectors.invitation_get_for_managing(
                user=user, project=project, invitation_id=target
            )
            invitations.invitation_revoke(actor=user, invitation=invitation)
            messages.success(
                request,
                _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
            )
        else:
            join_request = selectors.join_request_get_for_deciding(
                user=user, project=project, join_request_id=target
            )
            if action == "approve":
                join_requests.join_request_approve(actor=user, join_request=join_request)
                messages.success(
                    request,
                    _("%(person)s has joined the team.")
                    % {"person": join_request.user.public_name},
                )
            else:
                join_requests.join_request_decline(actor=user, join_request=join_request)
                messages.success(
                    request,
                    _("The request of %(person)s is declined.")
                    % {"person": join_request.user.public_name},
                )
    except ACTIONABLE as error:
        messages.error(request, error.message)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_get_for_token(token=token)
    status = 200
    error: DomainError | None = invitations.invitation_unusable_error(invitation)
    if error is not None:
        status = 410
    elif request.user.is_authenticated:
        # Refused before the button is offered: the link was sent to another address.
        error = invitations.invitation_addressee_error(invitation, request.user)
        status = 200 if error is None else 403
    if request.method == "POST" and error is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            invitations.invitation_accept(user=request.user, token=token)
        except ACTIONABLE as refusal:
            error = refusal
            status = 403 if isinstance(refusal, PermissionDeniedError) else 409
        else:
            messages.success(
                request,
                _("Welcome to the team of %(project)s. Here is how to take part.")
                % {"project": invitation.project.name},
            )
            # Where a new member can take part straight away.
            return redirect(invitation.project)
    requirements = role_requirements(invitation.project, request.user, invitation.role)
    return render(
        request,
        "projects/invitation.html",
        {
            "requirements": requirements,
            "unmet_requirements": [item for item in requirements if not item.met],
            "role_label": invitation.get_role_display(),
            "invitation": invitation,
            "error": error,
            "next": request.get_full_path(),
            "wrong_account": isinstance(error, PermissionDeniedError),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def project_join(request: HttpRequest, slug: str) -> HttpResponse:
    """The way into a project's team: how this project takes people, and the button to join.

    Anyone who may see the project reads how to join; joining or asking takes an account, so
    a visitor is offered to log in or sign up and comes back here.
    """
    project = project_get_for_viewing(user=request.user, slug=slug)
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            if request.POST.get("action") == "withdraw":
                _withdraw(request, project)
            elif form.is_valid():
                result = join_requests.join_project(
                    actor=request.user, project=project, message=form.cleaned_data["message"]
                )
                if not isinstance(result, JoinRequest):
                    messages.success(
                        request,
                        _("Welcome to the team of %(project)s. Here is how to take part.")
                        % {"project": project.name},
                    )
                    # Where a new member can take part straight away.
                    return redirect(project)
                messages.success(request, _("Your request is sent. The owners will answer."))
            else:
                return _render_join(request, project, form, status=400)
        except ACTIONABLE as error:
            messages.error(request, error.message)
        return redirect("project_join", slug=project.slug)
    return _render_join(request, project, form)


def _withdraw(request: HttpRequest, project: Project) -> None:
    form = TargetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That did not work: the form was incomplete."))
        return
    join_request = selectors.join_request_get_for_withdrawing(
        user=request.user, project=project, join_request_id=form.cleaned_data["target"]
    )
    join_requests.join_request_withdraw(actor=request.user, join_request=join_request)
    messages.success(request, _("Your request is withdrawn."))


def _render_join(
    request: HttpRequest, project: Project, form: JoinForm, status: int = 200
) -> HttpResponse:
    standing = selectors.join_status(user=request.user, project=project)
    requirements = role_requirements(project, request.user, ProjectRole.MEMBER)
    return render(
        request,
        "projects/team_join.html",
        {
            "standing": standing,
            "project": project,
            "form": form,
            "requirements": requirements,
            "unmet_requirements": [item for item in requirements if not item.met],
            "role_label": ProjectRole.MEMBER.label,
        },
        status=status,
    )


@login_required
@require_POST
def project_leave(request: SignedInRequest, slug: str) -> HttpResponse:
    project = project_get_for_viewing(user=request.user, slug=slug)
    try:
        team.membership_leave(actor=request.user, project=project)
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect("project_team", slug=project.slug)
    messages.success(request, _("You have left the team of %(project)s.") % {"project": project})
    return redirect("my_projects")


@login_required
@require_POST
def project_mentor_request(request: SignedInRequest, slug: str) -> HttpResponse:
    project = project_get_for_viewing(user=request.user, slug=slug)
    try:
        mentoring.mentor_request(actor=request.user, project=project)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Lab staff have been asked to find a mentor."))
    return redirect("project_team", slug=project.slug)


@require_http_methods(["GET", "POST"])
def mentor_requests(request: HttpRequest) -> HttpResponse:
    projects = selectors.mentor_list_requests(user=request.user)
    bound: MentorMatchForm | None = None
    if request.method == "POST":
        slug = request.POST.get("project", "")
        bound = MentorMatchForm(request.POST, auto_id=f"id_{slug}_%s")
        if bound.is_valid():
            project = project_get_for_viewing(user=request.user, slug=slug)
            try:
                mentor = selectors.mentor_candidate_get(
                    user=request.user, email=bound.cleaned_data["mentor_email"]
                )
                mentoring.mentor_match(actor=request.user, project=project, mentor=mentor)
            except ACTIONABLE as error:
                bound.add_error("mentor_email", error.message)
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(mentor)s now mentors %(project)s.")
                    % {"mentor": mentor.public_name, "project": project.name},
                )
                return redirect("mentor_requests")
    rows = [
        (
            project,
            bound
            if bound is not None and bound["project"].value() == project.slug
            else MentorMatchForm(
                initial={"project": project.slug}, auto_id=f"id_{project.slug}_%s"
            ),
        )
        for project in projects
    ]
    return render(
        request,
        "projects/mentoring_requests.html",
        {"rows": rows},
        status=400 if bound is not None else 200,
    )


urlpatterns: list[URLPattern] = [
    path("projects/<slug:slug>/team/", project_team, name="project_team"),
    path("projects/<slug:slug>/join/", project_join, name="project_join"),
    path("projects/<slug:slug>/leave/", project_leave, name="project_leave"),
    path("projects/<slug:slug>/mentor/", project_mentor_request, name="project_mentor_request"),
    path("invitations/<str:token>/", invitation_accept, name="invitation_accept"),
    path("staff/mentoring/", mentor_requests, name="mentor_requests"),
]
