"""A participant's consent pages: read the version in force and consent, change the optional
consents, withdraw.

The consent page is where a contribution page sends someone without consent to the version in
force (`?next=` leads back there). Thin: parse a form, call one service, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cslab.consent.forms import ConsentGiveForm, ConsentOptionsForm, ConsentWithdrawForm
from cslab.consent.selectors import project_consent_state
from cslab.consent.services.consent import (
    consent_give,
    consent_text_for,
    consent_update_options,
    consent_withdraw,
    withdrawal_choices,
)
from cslab.consent.vocabulary import ConsentChannel, WithdrawalOptions
from cslab.core.actors import SignedInRequest
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.markdown import render_markdown
from cslab.projects.selectors import project_get_for_viewing

LICENCE_URLS = {
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
}


def _next_url(request: HttpRequest) -> str:
    """The page to return to after consenting, if it is a page of this site."""
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def version_context(version: Any, language: str) -> dict[str, Any]:
    """What every page showing a consent version shows: its text in the language, the terms."""
    shown = consent_text_for(version, language)
    return {
        "version": version,
        "shown": shown,
        "text_html": render_markdown(shown.text),
        "licence_url": LICENCE_URLS.get(version.data_licence, ""),
        "falls_back_to_english": language.startswith("nl") and shown.language == "en",
        "deletion_offered": version.withdrawal_options == WithdrawalOptions.ANONYMISE_OR_DELETE,
    }


@require_http_methods(["GET", "POST"])
def project_consent_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Read the version in force and consent; with a current consent, change the options."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    state = project_consent_state(user=request.user, project=project)
    language = get_language() or "en"
    next_url = _next_url(request)
    context: dict[str, Any] = {"project": project, "state": state, "next": next_url}
    if state.version is None:
        return render(request, "consent/consent.html", context)
    context.update(version_context(state.version, language))
    give_form = ConsentGiveForm(
        request.POST if request.POST.get("action") == "give" else None, version=state.version
    )
    options_form = None
    if state.consented_to_version_in_force and state.mine is not None:
        options_form = ConsentOptionsForm(
            request.POST if request.POST.get("action") == "options" else None,
            version=state.version,
            initial={"meta_research": state.mine.meta_research, "contact": state.mine.contact},
        )
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        status = 400
        try:
            if request.POST.get("action") == "options" and options_form is not None:
                if options_form.is_valid():
                    consent_update_options(
                        actor=request.user,
                        project=project,
                        meta_research=bool(options_form.cleaned_data.get("meta_research")),
                        contact=bool(options_form.cleaned_data.get("contact")),
                    )
                    messages.success(request, _("Your choices are saved."))
                    return redirect("project_consent", slug=project.slug)
            elif give_form.is_valid():
                consent_give(
                    actor=request.user,
                    project=project,
                    language=_shown_language(language),
                    channel=ConsentChannel.WEB,
                    **give_form.service_arguments(),
                )
                messages.success(request, _("Thank you: your consent is recorded."))
                return redirect(next_url or project.get_absolute_url())
        except InvalidInputError as error:
            give_form.add_error(None, error.message)
            for name, problems in (error.details or {}).items():
                target = name if name in give_form.fields else None
                for problem in problems:
                    give_form.add_error(target, problem)
        except ConflictError as error:
            # The version changed while the page was open: show the new one.
            messages.error(request, error.message)
            return redirect(request.get_full_path())
    context.update({"give_form": give_form, "options_form": options_form})
    return render(request, "consent/consent.html", context, status=status)


def _shown_language(language: str) -> str:
    return "nl" if language.startswith("nl") else "en"


@login_required
@require_http_methods(["GET", "POST"])
def project_consent_withdraw_page(request: SignedInRequest, slug: str) -> HttpResponse:
    """Withdraw in one step: choose what becomes of the contributions, confirm."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    state = project_consent_state(user=request.user, project=project)
    if state.mine is None:
        messages.info(request, _("You have no current consent to this project."))
        return redirect("project_consent", slug=project.slug)
    form = ConsentWithdrawForm(request.POST or None, choices=withdrawal_choices(state.mine.version))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                consent_withdraw(
                    actor=request.user, project=project, choice=form.cleaned_data["choice"]
                )
            except InvalidInputError as error:
                form.add_error("choice", error.message)
            else:
                messages.success(
                    request,
                    _("Your consent is withdrawn. You can consent again at any time."),
                )
                return redirect(project.get_absolute_url())
    return render(
        request,
        "consent/withdraw.html",
        {"project": project, "record": state.mine, "form": form},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("projects/<slug:slug>/consent/", project_consent_page, name="project_consent"),
    path(
        "projects/<slug:slug>/consent/withdraw/",
        project_consent_withdraw_page,
        name="project_consent_withdraw",
    ),
]
