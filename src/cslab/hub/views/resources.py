"""Resource pages: submit (kind chooser, then the form), edit, my resources, the resource page,
its files and its cover image. Thin: each view parses input, calls selectors and services,
renders. The resource page also renders what other parts of the hub register
(`hub.detail_parts`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from cslab.core import permissions
from cslab.core.actors import Actor, SignedInRequest
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.markdown import render_markdown
from cslab.core.media_serving import (
    ServedFile,
    file_extension,
    is_inline_type,
    safe_filename,
    serve_file,
)
from cslab.hub import detail_parts, states
from cslab.hub import files as hub_files
from cslab.hub.forms import ResourceForm, ResourceKindForm, add_service_errors
from cslab.hub.models import Resource, ResourceFile
from cslab.hub.selectors.resources import resource_get, resource_list_mine
from cslab.hub.services.resources import (
    resource_create,
    resource_file_add,
    resource_file_download,
    resource_file_remove,
    resource_translation_link,
    resource_translation_unlink,
    resource_update,
    resource_view_count,
)
from cslab.hub.vocabulary import (
    Audience,
    ResearchPhase,
    ResourceKind,
    ResourceTagKind,
)
from cslab.projects.forms import sdg_label
from cslab.projects.vocabulary import Faculty, ResearchDomain

# What each kind is, in a sentence, for the kind chooser.
KIND_HINTS: dict[str, Any] = {
    ResourceKind.BEST_PRACTICE: gettext_lazy("What works, learned from projects that did it."),
    ResourceKind.METHOD_CARD: gettext_lazy("One method on a page: when to use it and how."),
    ResourceKind.TOOL: gettext_lazy("Software, a kit or an instrument projects can use."),
    ResourceKind.TEMPLATE: gettext_lazy("A consent form, data-management plan, poster …"),
    ResourceKind.PUBLICATION: gettext_lazy("A paper, report or policy brief."),
    ResourceKind.DATASET: gettext_lazy("Data others may reuse."),
    ResourceKind.RECORDING: gettext_lazy("A talk, webinar or podcast."),
    ResourceKind.TRAINING_MATERIAL: gettext_lazy("Slides, exercises or a course."),
    ResourceKind.CASE_STUDY: gettext_lazy("A project's story: who took part, what came of it."),
}

# The badge and "what to do next" of each status on "My resources".
STATUS_BADGES = {
    states.DRAFT: "badge-quiet",
    states.SUBMITTED: "badge-accent",
    states.CHANGES_REQUESTED: "badge-warning",
    states.PUBLISHED: "badge-success",
    states.DECLINED: "badge-danger",
    states.RETIRED: "",
}
NEXT_STEPS: dict[str, Any] = {
    states.DRAFT: gettext_lazy("Finish it, then submit it for review from its page."),
    states.SUBMITTED: gettext_lazy("With the curators: you will hear from them."),
    states.CHANGES_REQUESTED: gettext_lazy(
        "The curators asked for changes: edit it and submit it again."
    ),
    states.PUBLISHED: gettext_lazy("Published. An edit becomes a new version."),
    states.DECLINED: gettext_lazy("Declined: its page says why."),
    states.RETIRED: gettext_lazy("Retired: it stays reachable with a notice."),
}

TAG_LABELS: dict[str, dict[str, Any]] = {
    ResourceTagKind.FACULTY: dict(Faculty.choices),
    ResourceTagKind.DOMAIN: dict(ResearchDomain.choices),
    ResourceTagKind.PHASE: dict(ResearchPhase.choices),
    ResourceTagKind.AUDIENCE: dict(Audience.choices),
}


def tag_labels(resource: Resource, kind: str) -> list[str]:
    """Return the words to show for a resource's values of one tag kind (prefetched tags)."""
    values = resource.tags_of(ResourceTagKind(kind))
    if kind == ResourceTagKind.SDG:
        return [sdg_label(value) for value in sorted(values, key=_number_first)]
    labels = TAG_LABELS.get(kind, {})
    return [str(labels.get(value, value)) for value in values]


def _number_first(value: str) -> tuple[int, str]:
    return (int(value), value) if value.isdigit() else (10**6, value)


# --- submit and edit ---------------------------------------------------------------------------


@login_required
def resource_submit(request: SignedInRequest) -> HttpResponse:
    """Without a kind, ask what kind of resource it is; with one, show the form."""
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    if kind not in ResourceKind.values:
        chooser = ResourceKindForm()
        kinds = [(value, label, KIND_HINTS.get(value, "")) for value, label in ResourceKind.choices]
        return render(
            request, "hub/resource_form.html", {"choosing": True, "form": chooser, "kinds": kinds}
        )
    bound = request.method == "POST"
    form = ResourceForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        user=request.user,
        initial={
            "kind": kind,
            "language": request.LANGUAGE_CODE[:2]
            if request.LANGUAGE_CODE[:2] in ("en", "nl")
            else "en",
        },
    )
    if bound and form.is_valid():
        changes = form.changes()
        if form.is_valid():
            try:
                with transaction.atomic():
                    resource = resource_create(actor=request.user, **changes)
                    _save_files_and_translation(request.user, resource, form)
            except (InvalidInputError, ConflictError) as error:
                add_service_errors(form, error.details, error.message)
            else:
                messages.success(
                    request,
                    _("Saved as a draft. Only you and the curators see it until it is published."),
                )
                return redirect(resource)
    return render(
        request,
        "hub/resource_form.html",
        {"form": form, "resource": None, "creating": True, "kind_label": ResourceKind(kind).label},
    )


@login_required
def resource_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    resource = resource_get(request.user, slug)
    permissions.require(request.user, "hub.resource.edit", resource)
    editable = resource.status in states.EDITABLE_BY_AUTHOR | states.EDITABLE_AFTER_PUBLICATION
    bound = request.method == "POST" and editable
    form = ResourceForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        user=request.user,
        resource=resource,
    )
    if bound and form.is_valid():
        changes = form.changes()
        if form.is_valid():
            try:
                with transaction.atomic():
                    resource_update(
                        actor=request.user,
                        resource=resource,
                        change_note=form.cleaned_data.get("change_note", ""),
                        **changes,
                    )
                    _save_files_and_translation(request.user, resource, form)
            except (InvalidInputError, ConflictError) as error:
                add_service_errors(form, error.details, error.message)
            else:
                messages.success(request, _("Saved."))
                return redirect(resource)
    return render(
        request,
        "hub/resource_form.html",
        {
            "form": form,
            "resource": resource,
            "creating": False,
            "editable": editable,
            "not_editable_reason": "" if editable else NEXT_STEPS.get(resource.status, ""),
            "kind_label": resource.get_kind_display(),
        },
    )


def _save_files_and_translation(actor: Actor, resource: Resource, form: ResourceForm) -> None:
    """Apply the file removals and uploads and the translation choice of a saved form."""
    removals = {int(value) for value in form.cleaned_data.get("remove_files") or []}
    for stored in ResourceFile.objects.filter(resource=resource, pk__in=removals):
        resource_file_remove(actor=actor, file=stored)
    for upload in form.cleaned_data.get("new_files") or []:
        resource_file_add(actor=actor, resource=resource, upload=upload, title="")
    translation = form.cleaned_data.get("translation")
    if translation is not None and translation.pk != resource.translation_id:
        resource_translation_link(actor=actor, resource=resource, translation=translation)
    elif translation is None and resource.translation_id is not None and "translation" in form.data:
        resource_translation_unlink(actor=actor, resource=resource)


# --- my resources -------------------------------------------------------------------------------


@login_required
def my_resources(request: SignedInRequest) -> HttpResponse:
    resources = resource_list_mine(request.user).order_by("-updated_at", "-id")
    rows = [
        {
            "resource": resource,
            "badge": STATUS_BADGES.get(resource.status, ""),
            "next_step": NEXT_STEPS.get(resource.status, ""),
            "editable": resource.status
            in states.EDITABLE_BY_AUTHOR | states.EDITABLE_AFTER_PUBLICATION,
        }
        for resource in resources
    ]
    return render(request, "hub/my_resources.html", {"rows": rows})


# --- the resource page --------------------------------------------------------------------------


@require_safe
def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = resource_get(request.user, slug)
    if resource.status == states.PUBLISHED:
        resource_view_count(resource=resource)
    context = {
        "resource": resource,
        "body": render_markdown(resource.body),
        "authors": _authors(request.user, resource),
        "faculties": tag_labels(resource, ResourceTagKind.FACULTY),
        "domains": tag_labels(resource, ResourceTagKind.DOMAIN),
        "phases": tag_labels(resource, ResourceTagKind.PHASE),
        "sdgs": tag_labels(resource, ResourceTagKind.SDG),
        "audience": tag_labels(resource, ResourceTagKind.AUDIENCE),
        "keywords": tag_labels(resource, ResourceTagKind.KEYWORD),
        "translation": _visible_translation(request.user, resource),
        "can_edit": permissions.has_permission(request.user, "hub.resource.edit", resource)
        and resource.status in states.EDITABLE_BY_AUTHOR | states.EDITABLE_AFTER_PUBLICATION,
        "parts": detail_parts.detail_parts_for(request, resource),
    }
    return render(request, "hub/resource_detail.html", context)


def _authors(viewer: Actor, resource: Resource) -> list[dict[str, Any]]:
    """Each author's name, and their profile address when the viewer may see that profile."""
    authors = []
    for author in resource.authors.all():
        url = ""
        if author.user is not None and permissions.has_permission(
            viewer, "profile.view", author.user
        ):
            url = author.user.get_absolute_url()
        authors.append({"name": author.name, "url": url})
    return authors


def _visible_translation(viewer: Actor, resource: Resource) -> Resource | None:
    translation = resource.translation
    if translation is None:
        return None
    if not permissions.has_permission(viewer, "hub.resource.view", translation):
        return None
    return translation


# --- files and cover ---------------------------------------------------------------------------


@require_safe
def resource_file(request: HttpRequest, slug: str, file_id: int) -> HttpResponseBase:
    """Send one of the resource's files to whoever may open the resource, counting it."""
    resource = resource_get(request.user, slug)
    stored = next((item for item in resource.files.all() if item.pk == file_id), None)
    if stored is None or not stored.file:
        raise NotFoundError()
    if request.method == "GET" and not request.headers.get("Range"):
        resource_file_download(file=stored)
    return serve_file(
        request,
        ServedFile(
            file=stored.file,
            content_type=stored.content_type,
            filename=safe_filename(stored.original_name, file_extension(stored.file)),
            inline=is_inline_type(stored.content_type),
            private=not resource.is_public,
        ),
    )


@require_safe
def resource_cover(request: HttpRequest, slug: str) -> HttpResponseBase:
    """Serve the cover image with the type its content shows (a download otherwise)."""
    resource = resource_get(request.user, slug)
    if not resource.cover_image:
        raise NotFoundError()
    content_type = hub_files.stored_cover_content_type(resource.cover_image)
    return serve_file(
        request,
        ServedFile(
            file=resource.cover_image,
            content_type=content_type,
            filename=safe_filename(resource.slug, file_extension(resource.cover_image)),
            inline=content_type != "application/octet-stream",
            private=not resource.is_public,
        ),
    )


# `/hub/<slug>/` comes last: the fixed paths above are reserved slugs.
urlpatterns: list[URLPattern] = [
    path("hub/submit/", resource_submit, name="hub_resource_submit"),
    path("hub/mine/", my_resources, name="hub_my_resources"),
    path("hub/<slug:slug>/edit/", resource_edit, name="hub_resource_edit"),
    path("hub/<slug:slug>/files/<int:file_id>/", resource_file, name="hub_resource_file"),
    path("hub/<slug:slug>/cover", resource_cover, name="hub_resource_cover"),
    path("hub/<slug:slug>/", resource_detail, name="hub_resource_detail"),
]
