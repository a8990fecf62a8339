"""The notifications pages: read what happened, mark it as read, choose how notifications
reach me, unsubscribe from an e-mail's link. Thin: one call per view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cslab.core.actors import SignedInRequest
from cslab.core.errors import InvalidInputError
from cslab.core.unsubscribe import is_one_click_unsubscribe
from cslab.notifications import selectors
from cslab.notifications.forms import NotificationPreferencesForm
from cslab.notifications.services.notifications import (
    notification_mark_all_read,
    notification_mark_read,
)
from cslab.notifications.services.preferences import (
    notification_preferences_update,
    notification_unsubscribe_by_token,
    notification_unsubscribe_read,
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


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: SignedInRequest) -> HttpResponse:
    preferences = selectors.notification_preference_list(user=request.user)
    form = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None, preferences=preferences
    )
    if request.method == "POST" and form.is_valid():
        notification_preferences_update(actor=request.user, choices=form.choices())
        messages.success(request, _("Your choices are saved."))
        return redirect("notification_preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# No log-in and no CSRF token (core.unsubscribe): the signed token is the proof, and mail
# programs send RFC 8058 one-click POSTs without a cookie. GET only shows; POST turns off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            unsubscription = notification_unsubscribe_read(token=token)
            return render(
                request, "notifications/unsubscribe.html", {"unsubscription": unsubscription}
            )
        unsubscription = notification_unsubscribe_by_token(token=token)
    except InvalidInputError as error:
        return render(
            request, "notifications/unsubscribe.html", {"error": error.message}, status=400
        )
    if is_one_click_unsubscribe(request):
        return HttpResponse(status=200)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"unsubscription": unsubscription, "stopped": True},
    )
