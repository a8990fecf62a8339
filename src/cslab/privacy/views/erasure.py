"""Erasing one's account (GDPR Art. 17): the page that explains and confirms, the goodbye page.

Reachable from the account page ("Erase my account") and from My cslab.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cslab.core.actors import SignedInRequest
from cslab.core.errors import DomainError
from cslab.privacy.erasure_forms import CONFIRMATION_WORD, AccountEraseForm
from cslab.privacy.models import Erasure
from cslab.privacy.services.erasure import (
    account_erase,
    account_erase_check_password,
    erasure_choices_for,
)


@never_cache
@login_required
def account_erase_view(request: SignedInRequest) -> HttpResponse:
    user = request.user
    needs_password = user.has_usable_password()
    form = AccountEraseForm(request.POST or None, needs_password=needs_password)
    if request.method == "POST" and form.is_valid():
        if not needs_password and not _signed_in_recently(request):
            # A person who signs in through the university's single sign-on has no password
            # here, and allauth cannot re-authenticate at the provider: they sign in again
            # and come back, so a session left open on a shared computer cannot erase.
            logout(request)
            messages.info(request, _("Sign in again to erase your account."))
            query = urlencode({"next": reverse("account_erase")})
            return redirect(f"{reverse('account_login')}?{query}")
        try:
            if needs_password:
                account_erase_check_password(user=user, password=form.cleaned_data["password"])
            account_erase(
                actor=user,
                user=user,
                delete_contributions=form.cleaned_data["contributions"] == "delete",
                requested_through=Erasure.RequestedThrough.WEB,
            )
        except DomainError as error:
            form.add_error("password" if needs_password else None, error.message)
        else:
            logout(request)
            return redirect("account_erased")
    return render(
        request,
        "privacy/account_erase.html",
        {
            "form": form,
            "anonymise_only_projects": erasure_choices_for(user=user),
            "confirmation_word": CONFIRMATION_WORD,
        },
    )


RECENT_SIGN_IN_SECONDS = 10 * 60


def _signed_in_recently(request: SignedInRequest) -> bool:
    """Whether the person signed in (by any method allauth records) in the last minutes."""
    records = get_authentication_records(request, request.user)
    moments = [record.get("at", 0) for record in records if isinstance(record, dict)]
    return bool(moments) and time.time() - max(moments) < RECENT_SIGN_IN_SECONDS


def account_erased(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/account_erased.html")


urlpatterns: list[URLPattern] = [
    path("me/erase/", account_erase_view, name="account_erase"),
    path("erased/", account_erased, name="account_erased"),
]
