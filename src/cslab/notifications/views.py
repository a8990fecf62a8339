"""The notifications page: read what happened, mark it as read. Thin: one call per view."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cslab.core.actors import SignedInRequest
from cslab.notifications import selectors
from cslab.notifications.services.notifications import (
    notification_mark_all_read,
    notification_mark_read,
)

PAGE_SIZE = 30


@login_required
def notification_list(request: SignedInRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    notifications = selectors.notification_list_for_user(user=request.user, unread_only=unread_only)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_count": selectors.notification_unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_read(request: SignedInRequest, notification_id: int) -> HttpResponse:
    notification = selectors.notification_get_for_managing(
        user=request.user, notification_id=notification_id
    )
    notification_mark_read(actor=request.user, notification=notification)
    if getattr(request, "htmx", False):
        return render(
            request,
            "notifications/_notification.html",
            {
                "notification": notification,
                "unread_count": selectors.notification_unread_count(user=request.user),
                "swap_count": True,
            },
        )
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: SignedInRequest) -> HttpResponse:
    notification_mark_all_read(actor=request.user)
    return redirect("notification_list")
