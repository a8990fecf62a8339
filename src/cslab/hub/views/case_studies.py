"""Case-study pages: the list, the edit form, the printable page and the export for funders;
and the case-study part of the resource page (slot "main").

The resource page itself (`hub_resource_detail`) belongs to the resources part; this module
registers what it shows of a case study: the structure and the live figures of the linked
projects, through `selectors.case_studies`.
"""

from typing import Any

from django import forms
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cslab.core.errors import InvalidInputError
from cslab.core.markdown import render_markdown
from cslab.hub.detail_parts import DetailPart, register_detail_part
from cslab.hub.forms_case_studies import (
    SECTIONS,
    CaseStudyTextForm,
    initial_rows,
    rows_of,
    with_more_rows,
)
from cslab.hub.models import CaseStudy, Resource
from cslab.hub.selectors import case_studies as selectors
from cslab.hub.services.case_studies import case_study_update
from cslab.hub.vocabulary import ImpactKind
from cslab.projects.vocabulary import Faculty

# The export is a file to keep and pass on, so its style sheets travel inside it.
EXPORT_STYLE_SHEETS = ("hub/case-study.css", "hub/print.css")
EXPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _page_context(
    request: HttpRequest, resource: Resource, case_study: CaseStudy
) -> dict[str, Any]:
    page = selectors.case_study_page(viewer=request.user, resource=resource, case_study=case_study)
    return {
        "resource": resource,
        "case_study": case_study,
        "page": page,
        "context_html": render_markdown(case_study.context),
        "methods_html": render_markdown(case_study.methods),
        "lessons_html": render_markdown(case_study.lessons),
        "groups": list(case_study.participant_groups.all()) if case_study.pk else [],
        "people": list(case_study.people.all()) if case_study.pk else [],
        "site_root": request.build_absolute_uri("/").rstrip("/"),
        "case_study_address": request.build_absolute_uri(resource.get_absolute_url()),
    }


def _detail_context(request: HttpRequest, resource: Any) -> dict[str, Any] | None:
    if not resource.is_case_study:
        return None
    _resource, case_study = selectors.case_study_get(request.user, resource.slug)
    return _page_context(request, resource, case_study)


register_detail_part(
    DetailPart(
        name="case_study",
        slot="main",
        template="hub/_detail_case_study.html",
        context=_detail_context,
        order=20,
    )
)
register_detail_part(
    DetailPart(
        name="case_study_style",
        slot="head",
        template="hub/case_study_head.html",
        context=lambda request, resource: {} if resource.is_case_study else None,
    )
)


class CaseStudyFilterForm(forms.Form):
    impact = forms.ChoiceField(
        label=gettext_lazy("Kind of impact"),
        choices=[("", gettext_lazy("Any impact")), *ImpactKind.choices],
        required=False,
    )
    faculty = forms.ChoiceField(
        label=gettext_lazy("Faculty"),
        choices=[("", gettext_lazy("Any faculty")), *Faculty.choices],
        required=False,
    )


@require_GET
def case_study_list(request: HttpRequest) -> HttpResponse:
    form = CaseStudyFilterForm(request.GET)
    impact = faculty = ""
    if form.is_valid():
        impact, faculty = form.cleaned_data["impact"], form.cleaned_data["faculty"]
    cards = selectors.case_study_cards(viewer=request.user, impact_kind=impact, faculty=faculty)
    return render(
        request,
        "hub/case_study_list.html",
        {"form": form, "cards": cards, "filtered": bool(impact or faculty)},
    )


def _project_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (project.slug, project.name)
        for project in selectors.case_study_linkable_projects(viewer=request.user)
    ]


def _formsets(data: Any, case_study: CaseStudy) -> dict[str, Any]:
    initial = initial_rows(case_study)
    return {
        name: formset(data, prefix=name)
        if data is not None
        else formset(initial=initial[name], prefix=name)
        for name, formset in SECTIONS.items()
    }


@require_http_methods(["GET", "POST"])
def case_study_edit(request: HttpRequest, slug: str) -> HttpResponse:
    resource, case_study = selectors.case_study_get_for_editing(request.user, slug)
    choices = _project_choices(request)
    status = 200
    if request.method == "POST" and "more" in request.POST:
        data = with_more_rows(request.POST)
        form = CaseStudyTextForm(data, project_choices=choices)
        formsets = _formsets(data, case_study)
    elif request.method == "POST":
        form = CaseStudyTextForm(request.POST, project_choices=choices)
        formsets = _formsets(request.POST, case_study)
        if form.is_valid() and all(formset.is_valid() for formset in formsets.values()):
            text = form.cleaned_data
            try:
                case_study_update(
                    actor=request.user,
                    resource=resource,
                    context=text["context"],
                    methods=text["methods"],
                    lessons=text["lessons"],
                    period_start=text["period_start"],
                    period_end=text["period_end"],
                    place=text["place"],
                    participant_groups=rows_of(formsets["groups"]),
                    people=rows_of(formsets["people"]),
                    outputs=rows_of(formsets["outputs"]),
                    impacts=rows_of(formsets["impacts"]),
                    project_slugs=text["projects"],
                )
            except InvalidInputError as error:
                form.add_error(None, error.message)
            else:
                return redirect(resource.get_absolute_url())
        status = 400
    else:
        linked = [link.project.slug for link in case_study.projects.all()] if case_study.pk else []
        form = CaseStudyTextForm(
            initial={
                "context": case_study.context,
                "methods": case_study.methods,
                "lessons": case_study.lessons,
                "period_start": case_study.period_start,
                "period_end": case_study.period_end,
                "place": case_study.place,
                "projects": linked,
            },
            project_choices=choices,
        )
        formsets = _formsets(None, case_study)
    return render(
        request,
        "hub/case_study_edit.html",
        {"resource": resource, "form": form, "formsets": formsets},
        status=status,
    )


@require_GET
def case_study_print(request: HttpRequest, slug: str) -> HttpResponse:
    resource, case_study = selectors.case_study_get(request.user, slug)
    context = _page_context(request, resource, case_study)
    return render(request, "hub/case_study_print.html", context)


def _export_style() -> str:
    sheets = []
    for name in EXPORT_STYLE_SHEETS:
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, encoding="utf-8") as sheet:
                sheets.append(sheet.read())
    return "\n".join(sheets)


@require_GET
def case_study_export(request: HttpRequest, slug: str) -> HttpResponse:
    resource, case_study = selectors.case_study_get(request.user, slug)
    context = _page_context(request, resource, case_study)
    context["inline_style"] = _export_style()
    response = render(request, "hub/case_study_export.html", context)
    response["Content-Disposition"] = f'attachment; filename="{resource.slug}.html"'
    # Served pages forbid inline styles (strict CSP), but this file is a download meant to be
    # opened on its own, anywhere, so its style travels inside it. The policy sent with it
    # allows that style and nothing else: no scripts, no requests, images only as data: URLs.
    # The CSP middleware leaves a policy a view has set alone.
    response["Content-Security-Policy"] = EXPORT_POLICY
    return response


urlpatterns: list[URLPattern | URLResolver] = [
    path("hub/case-studies/", case_study_list, name="hub_case_studies"),
    path("hub/<slug:slug>/case-study/", case_study_edit, name="hub_case_study_edit"),
    path("hub/<slug:slug>/print/", case_study_print, name="hub_case_study_print"),
    path("hub/<slug:slug>/export.html", case_study_export, name="hub_case_study_export"),
]
