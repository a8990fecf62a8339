"""Following hub searches, the unsubscribe page, the hub's Atom feeds and its JSON-LD part.

Thin: each view parses the request and calls one service or selector.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cslab.core.actors import SignedInRequest
from cslab.core.errors import InvalidInputError
from cslab.core.unsubscribe import is_one_click_unsubscribe
from cslab.hub.detail_parts import DetailPart, register_detail_part
from cslab.hub.feeds import NewCaseStudiesFeed, NewResourcesFeed
from cslab.hub.jsonld import resource_jsonld
from cslab.hub.selectors.subscriptions import (
    subscription_get_for_managing,
    subscription_list_for_user,
)
from cslab.hub.services.subscriptions import (
    subscription_follow,
    subscription_get_by_token,
    subscription_stop,
    subscription_stop_by_token,
    subscriptions_stop_all_by_token,
)
from cslab.projects.selectors import project_list_listed

MAX_POSTED_QUERY = 4000


@login_required
@require_POST
def follow(request: SignedInRequest) -> HttpResponse:
    query = request.POST.get("query", "")[:MAX_POSTED_QUERY]
    try:
        subscription = subscription_follow(
            actor=request.user, query=query, label=request.POST.get("label", "")[:300]
        )
    except InvalidInputError as error:
        return _following_page(request, error=error.message, status=400)
    messages.success(
        request,
        _("You follow: %(search)s. What is new in it comes in your weekly digest.")
        % {"search": subscription.label},
    )
    return redirect(f"{reverse('hub_search')}?{subscription.query}")


@login_required
def following(request: SignedInRequest) -> HttpResponse:
    return _following_page(request)


@login_required
@require_POST
def following_stop(request: SignedInRequest, subscription_id: int) -> HttpResponse:
    subscription = subscription_get_for_managing(request.user, subscription_id)
    subscription_stop(actor=request.user, subscription=subscription)
    messages.success(
        request, _("You no longer follow: %(search)s.") % {"search": subscription.label}
    )
    return redirect("hub_following")


# No log-in and no CSRF token (core.unsubscribe): the unguessable token in the address is the
# proof, and mail programs send RFC 8058 one-click POSTs without a cookie.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        subscription = subscription_get_by_token(token=token)
        return render(request, "hub/unsubscribe.html", {"subscription": subscription})
    one_click = is_one_click_unsubscribe(request)
    if one_click or request.POST.get("stop") == "all":
        count = subscriptions_stop_all_by_token(token=token)
        if one_click:
            return HttpResponse(status=200)
        return render(
            request, "hub/unsubscribe.html", {"stopped_all": True, "count": count}, status=200
        )
    stopped = subscription_stop_by_token(token=token)
    return render(request, "hub/unsubscribe.html", {"stopped": stopped})


def _following_page(
    request: SignedInRequest, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "hub/following.html",
        {
            "subscriptions": subscription_list_for_user(request.user),
            "error": error,
            "search_path": reverse("hub_search"),
        },
        status=status,
    )


def jsonld_context(request: HttpRequest, resource: Any) -> dict[str, Any] | None:
    """The resource page's JSON-LD (published and retired resources only)."""
    if not resource.is_public:
        return None
    projects = (
        project_list_listed().filter(hub_case_studies__case_study__resource=resource).distinct()
        if resource.is_case_study
        else []
    )
    return {
        "resource_ld": resource_jsonld(
            resource, base_url=request.build_absolute_uri("/"), about_projects=list(projects)
        )
    }


register_detail_part(
    DetailPart(
        name="jsonld", slot="head", template="hub/_detail_jsonld.html", context=jsonld_context
    )
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("hub/feed.atom", NewResourcesFeed(), name="hub_feed"),
    path("hub/case-studies/feed.atom", NewCaseStudiesFeed(), name="hub_case_study_feed"),
    path("hub/follow/", follow, name="hub_follow"),
    path("hub/following/", following, name="hub_following"),
    path("hub/following/<int:subscription_id>/stop/", following_stop, name="hub_following_stop"),
    path("hub/unsubscribe/<str:token>/", unsubscribe, name="hub_unsubscribe"),
]
