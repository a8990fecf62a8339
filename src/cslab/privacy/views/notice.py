"""The privacy notice (issue 14, governance part): public, linked from every page's footer."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from cslab.privacy.selectors.governance import privacy_notice_facts


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/notice.html", {"facts": privacy_notice_facts()})


urlpatterns: list[URLPattern] = [
    path("privacy/", privacy_notice, name="privacy_notice"),
]
