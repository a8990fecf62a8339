"""Account pages: profile, API tokens, personal data export. Thin: one service per action."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from cslab.accounts import selectors
from cslab.accounts.forms import ApiTokenForm, ProfileForm
from cslab.accounts.language import remember_language
from cslab.accounts.models import User
from cslab.accounts.services.api_tokens import api_token_create, api_token_revoke
from cslab.accounts.services.users import profile_update
from cslab.core.errors import DomainError
from cslab.core.profile_page import profile_parts_for
from cslab.privacy.services.export import personal_data_export_start


class SignedInRequest(HttpRequest):
    user: User


@login_required
def profile_edit(request: SignedInRequest) -> HttpResponse:
    user = request.user
    initial = {name: getattr(user, name) for name in ProfileForm.base_fields}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        profile_update(actor=request.user, user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        response = redirect("account_profile")
        language = form.cleaned_data["preferred_language"]
        translation.activate(language)
        remember_language(response, language)
        return response
    return render(request, "accounts/profile_edit.html", {"form": form})


def profile_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.profile_get_for_viewing(user=request.user, user_id=user_id)
    parts = profile_parts_for(request, person)
    return render(request, "accounts/profile_detail.html", {"person": person, "parts": parts})


@login_required
def api_tokens(request: SignedInRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = api_token_create(
                actor=request.user, user=request.user, name=form.cleaned_data["name"]
            )
            form = ApiTokenForm()
        except DomainError as error:
            form.add_error("name", error.message)
    tokens = selectors.api_token_list_for_user(user=request.user)
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret},
    )


@login_required
@require_POST
def api_token_revoke_view(request: SignedInRequest, token_id: int) -> HttpResponse:
    token = selectors.api_token_get_for_managing(user=request.user, token_id=token_id)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")


@login_required
@require_POST
def data_export_start(request: SignedInRequest) -> HttpResponse:
    """The old "Export my data" button: now the zip export of the data page, shown there."""
    try:
        personal_data_export_start(actor=request.user, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("personal_data")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the site's language; a signed-in person's choice also becomes their preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        profile_update(actor=request.user, user=request.user, preferred_language=language)
    return response
