"""Pages of training: certificates (see training/urls.py).

`training_certificate_verify`: anyone holding a certificate's code checks that it is genuine
(an unknown code is a plain 404: codes are long and random, so there is nothing to guess).
`training_certificates_mine`: the holder's own certificates, each with its show/hide button;
`training_certificate_profile` (POST) shows or hides one on the public profile.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cslab.core.actors import SignedInRequest
from cslab.training import certificate_selectors, selectors
from cslab.training.services.certificates import certificate_set_shown_on_profile


class ShowOnProfileForm(forms.Form):
    show = forms.BooleanField(required=False)


@require_GET
def training_certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = selectors.certificate_get_by_code(code)
    verify_url = request.build_absolute_uri(certificate.get_absolute_url())
    return render(
        request,
        "training/certificate_verify.html",
        {"certificate": certificate, "verify_url": verify_url},
    )


@login_required
@require_GET
def training_certificates_mine(request: SignedInRequest) -> HttpResponse:
    certificates = certificate_selectors.certificate_list_mine(viewer=request.user)
    return render(
        request,
        "training/certificates_mine.html",
        {"certificates": certificates, "profile_public": request.user.profile_public},
    )


@require_POST
def training_certificate_profile(request: HttpRequest, slug: str) -> HttpResponse:
    certificate = certificate_selectors.certificate_get_for_holder(
        viewer=request.user, module_slug=slug
    )
    form = ShowOnProfileForm(request.POST)
    show = form.is_valid() and form.cleaned_data["show"]
    certificate_set_shown_on_profile(actor=request.user, certificate=certificate, show=show)
    if show:
        messages.success(
            request,
            _("Your profile now shows your certificate “%(module)s”.")
            % {"module": certificate.module_title},
        )
    else:
        messages.success(
            request,
            _("Your profile no longer shows your certificate “%(module)s”.")
            % {"module": certificate.module_title},
        )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("training_certificates_mine")


urlpatterns: list[URLPattern] = [
    path(
        "certificates/<str:code>/",
        training_certificate_verify,
        name="training_certificate_verify",
    ),
    path(
        "training/certificates/",
        training_certificates_mine,
        name="training_certificates_mine",
    ),
    path(
        "training/<slug:slug>/certificate/",
        training_certificate_profile,
        name="training_certificate_profile",
    ),
]
