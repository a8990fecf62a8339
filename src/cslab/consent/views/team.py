"""A project team's consent pages: the versions (list, draft, edit, publish), the consent
records as CSV for the ethics board, and recording consent for an app user's device.

Thin: parse a form, call one service or selector, render. Who may is decided by the rules in
`consent/rules.py` (owners, researchers, Lab staff); others on the team get 403, people who may
not see the project 404.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cslab.consent.forms import ConsentGiveForm, ConsentVersionForm
from cslab.consent.models import ConsentRecord
from cslab.consent.selectors import (
    app_user_get_for_consent,
    app_user_list_with_consent,
    consent_record_list_for_export,
    consent_version_get_for_team,
    consent_version_in_force,
    consent_version_list_for_team,
)
from cslab.consent.services.consent import consent_give_for_app_user
from cslab.consent.services.versions import (
    EDITABLE_FIELDS,
    consent_version_create_draft,
    consent_version_publish,
    consent_version_update,
)
from cslab.consent.views.participant import version_context
from cslab.core import permissions
from cslab.core.actors import SignedInRequest
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.projects.selectors import project_get_for_viewing


@login_required
@require_http_methods(["GET", "POST"])
def project_consent_versions_page(request: SignedInRequest, slug: str) -> HttpResponse:
    """Every version with its records; POST starts the next draft (or opens the one there is)."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    versions = list(consent_version_list_for_team(user=request.user, project=project))
    if request.method == "POST":
        draft, created = consent_version_create_draft(actor=request.user, project=project)
        if created:
            messages.success(request, _("A new draft is ready to edit."))
        return redirect("project_consent_version", slug=project.slug, number=draft.number)
    in_force = next((version for version in versions if version.published_at), None)
    app_users = (
        app_user_list_with_consent(user=request.user, project=project)
        if permissions.has_permission(request.user, "consent.app_user.record", project)
        else []
    )
    return render(
        request,
        "consent/versions.html",
        {
            "project": project,
            "versions": versions,
            "in_force": in_force,
            "has_draft": any(version.published_at is None for version in versions),
            "app_users": app_users,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_consent_version_page(request: SignedInRequest, slug: str, number: int) -> HttpResponse:
    """A version: read-only once published; a draft is edited here and published."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    version = consent_version_get_for_team(user=request.user, project=project, number=number)
    form = None
    status = 200
    if version.published_at is None:
        action = request.POST.get("action")
        form = ConsentVersionForm(
            request.POST if action == "save" else None, instance=version, prefix="version"
        )
        if request.method == "POST":
            status = 400
            try:
                if action == "publish":
                    if request.POST.get("confirm") == "yes":
                        consent_version_publish(actor=request.user, version=version)
                        messages.success(
                            request,
                            _("Version %(number)s is published and in force.")
                            % {"number": version.number},
                        )
                        return redirect("project_consent_versions", slug=project.slug)
                    messages.error(request, _("Tick the box to confirm that you want to publish."))
                elif action == "save" and form.is_valid():
                    changes = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
                    consent_version_update(actor=request.user, version=version, **changes)
                    messages.success(request, _("The draft is saved."))
                    return redirect(
                        "project_consent_version", slug=project.slug, number=version.number
                    )
            except InvalidInputError as error:
                if form is not None:
                    form.add_error(None, error.message)
                    for name, problems in (error.details or {}).items():
                        for problem in problems:
                            form.add_error(name if name in form.fields else None, problem)
            except ConflictError as error:
                messages.error(request, error.message)
                return redirect("project_consent_version", slug=project.slug, number=number)
    elif request.method == "POST":
        messages.error(
            request, _("A published consent version never changes; start a new version instead.")
        )
        return redirect("project_consent_version", slug=project.slug, number=number)
    return render(
        request,
        "consent/version.html",
        {
            "project": project,
            "form": form,
            **version_context(version, get_language() or "en"),
        },
        status=status,
    )


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _moment(value: Any) -> str:
    return value.astimezone(UTC).isoformat() if value else ""


CSV_HEADER = [
    "who",
    "kind",
    "granted_at_utc",
    "version",
    "version_sha256",
    "text_sha256",
    "channel",
    "language",
    "meta_research",
    "contact",
    "is_minor",
    "guardian_consent",
    "guardian_name",
    "recorded_by",
    "superseded_at_utc",
    "withdrawn_at_utc",
    "withdrawal_choice",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(records: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    record: ConsentRecord
    for record in records.iterator(chunk_size=500):
        if record.participant is not None:
            who, kind = record.participant.email, "person"
        else:
            who, kind = (record.app_user.name if record.app_user else ""), "app_user"
        yield writer.writerow(
            [
                _cell(value)
                for value in (
                    who,
                    kind,
                    _moment(record.granted_at),
                    record.version.number,
                    record.version.text_sha256,
                    record.text_sha256,
                    record.channel,
                    record.language,
                    "yes" if record.meta_research else "no",
                    "yes" if record.contact else "no",
                    "yes" if record.is_minor else "no",
                    "yes" if record.guardian_consent else "no",
                    record.guardian_name,
                    record.recorded_by.email if record.recorded_by else "",
                    _moment(record.superseded_at),
                    _moment(record.withdrawn_at),
                    record.withdrawal_choice,
                )
            ]
        )


@login_required
@require_GET
def project_consent_records_csv(request: SignedInRequest, slug: str) -> StreamingHttpResponse:
    """Every consent record of the project, for the ethics board (UTC ISO 8601 times)."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    records = consent_record_list_for_export(user=request.user, project=project)
    response = StreamingHttpResponse(_csv_rows(records), content_type="text/csv; charset=utf-8")
    filename = f"consent-records-{project.slug}-{timezone.now():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def app_user_consent_page(request: SignedInRequest, slug: str, app_user_id: int) -> HttpResponse:
    """A team member records consent for the person using an app user's phone: they read the
    text together, the person answers, the team member records it (channel `openrosa`)."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    app_user = app_user_get_for_consent(user=request.user, project=project, app_user_id=app_user_id)
    version = consent_version_in_force(project=project)
    asked = request.POST.get("language") or request.GET.get("language") or get_language() or "en"
    language = "nl" if asked.startswith("nl") else "en"
    context: dict[str, Any] = {"project": project, "app_user": app_user, "language": language}
    if version is None:
        return render(request, "consent/app_user_consent.html", context)
    form = ConsentGiveForm(request.POST or None, version=version)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                consent_give_for_app_user(
                    actor=request.user,
                    app_user=app_user,
                    language=language,
                    **form.service_arguments(),
                )
            except InvalidInputError as error:
                form.add_error(None, error.message)
            except ConflictError as error:
                messages.error(request, error.message)
                return redirect(request.get_full_path())
            else:
                messages.success(
                    request,
                    _("Consent is recorded for %(name)s.") % {"name": app_user.name},
                )
                return redirect("project_consent_versions", slug=project.slug)
    context.update({"form": form, **version_context(version, language)})
    return render(request, "consent/app_user_consent.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path(
        "projects/<slug:slug>/consent/versions/",
        project_consent_versions_page,
        name="project_consent_versions",
    ),
    path(
        "projects/<slug:slug>/consent/versions/<int:number>/",
        project_consent_version_page,
        name="project_consent_version",
    ),
    path(
        "projects/<slug:slug>/consent/records.csv",
        project_consent_records_csv,
        name="project_consent_records_csv",
    ),
    path(
        "projects/<slug:slug>/consent/app-users/<int:app_user_id>/",
        app_user_consent_page,
        name="app_user_consent",
    ),
]
