"""Cookie-free page-view counts for Lab staff (issue 14, governance part)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from cslab.privacy.selectors.governance import (
    DEFAULT_PAGE_VIEW_PERIOD,
    PAGE_VIEW_PERIODS,
    page_view_totals,
)


def page_view_counts(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("days", DEFAULT_PAGE_VIEW_PERIOD)
    if period not in PAGE_VIEW_PERIODS:
        period = DEFAULT_PAGE_VIEW_PERIOD
    totals = page_view_totals(
        user=request.user, days=PAGE_VIEW_PERIODS[period], today=timezone.localdate()
    )
    return render(
        request,
        "privacy/page_view_counts.html",
        {"totals": totals, "period": period, "periods": list(PAGE_VIEW_PERIODS)},
    )


urlpatterns: list[URLPattern] = [
    path("analytics/", page_view_counts, name="page_view_counts"),
]
