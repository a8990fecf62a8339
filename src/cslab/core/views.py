"""Pages of the core area: home, health, audit log, jobs. Thin: one selector per view."""

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cslab.core import project_page, selectors
from cslab.core.actors import SignedInRequest
from cslab.core.health import check_all
from cslab.events.selectors.events import event_list_listed
from cslab.hub.selectors import resources as hub_selectors
from cslab.projects import selectors as project_selectors
from cslab.projects.selectors import directory
from cslab.questions import selectors as question_selectors
from cslab.questions.models import Question

HOME_PROJECTS = 6
HOME_QUESTIONS = 5
HOME_HUB_RESOURCES = 4
HOME_EVENTS = 4
# Which projects were active lately and the Lab's figures count every listed project's
# contributions: computed at most once a minute. Only public counts and project ids are kept;
# the cards are read again, as listed, on every request (a project made private leaves at once).
HOME_CACHE_SECONDS = 60
HOME_QUESTION_STATUSES = (
    Question.Status.PROPOSED,
    Question.Status.UNDER_CONSIDERATION,
    Question.Status.ADOPTED,
)


def _lab_figures() -> list[project_page.Figure]:
    """The listed projects, then every area's figures across them."""
    projects = project_selectors.project_list_listed().count()
    return [project_page.Figure("projects", _("Projects"), projects), *project_page.lab_figures()]


def home(request: HttpRequest) -> HttpResponse:
    """The front door: active projects as cards, open questions, the Lab's figures, the areas."""
    user = request.user
    project_ids = cache.get_or_set(
        "home:recently-active",
        lambda: directory.project_ids_recently_active(limit=HOME_PROJECTS),
        HOME_CACHE_SECONDS,
    )
    figures = cache.get_or_set(
        f"home:lab-figures:{get_language()}", _lab_figures, HOME_CACHE_SECONDS
    )
    questions = question_selectors.question_list(user=user, sort="recent").filter(
        status__in=HOME_QUESTION_STATUSES
    )
    context = {
        "projects": directory.project_cards(project_ids or []),
        "lab_figures": figures,
        "questions": list(questions[:HOME_QUESTIONS]),
        "hub_resources": cache.get_or_set("home:hub-latest", _hub_latest, HOME_CACHE_SECONDS),
        "coming_events": cache.get_or_set("home:events-next", _events_next, HOME_CACHE_SECONDS),
        "my_projects": (
            list(project_selectors.project_list_for_member(user=user)[:6])
            if user.is_authenticated
            else []
        ),
    }
    return render(request, "core/home.html", context)


def _hub_latest() -> list[Any]:
    """The newest published hub resources, case studies among them, for the home page."""
    return list(
        hub_selectors.resource_list_listed()
        .order_by("-published_at", "-id")
        .only("slug", "kind", "title", "summary", "language", "published_at")[:HOME_HUB_RESOURCES]
    )


def _events_next() -> list[Any]:
    """The next published events (not yet ended), soonest first, for the home page."""
    return list(
        event_list_listed()
        .filter(ends_at__gte=timezone.now())
        .order_by("starts_at", "id")
        .only(
            "slug",
            "kind",
            "attendance_mode",
            "title",
            "summary",
            "language",
            "starts_at",
            "venue_name",
            "status",
        )[:HOME_EVENTS]
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results = check_all()
    healthy = all(result.ok for result in results)
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "checks": {r.name: {"ok": r.ok, "detail": r.detail} for r in results},
        },
        status=200 if healthy else 503,
    )


def _day_start(value: str) -> datetime | None:
    day = parse_date(value) if value else None
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


def audit_log(request: HttpRequest) -> HttpResponse:
    filters: dict[str, Any] = {
        "action": request.GET.get("action", "").strip(),
        "actor_email": request.GET.get("actor", "").strip(),
        "target_type": request.GET.get("target_type", "").strip(),
        "target_id": request.GET.get("target_id", "").strip(),
    }
    since = _day_start(request.GET.get("since", ""))
    until_day = _day_start(request.GET.get("until", ""))
    until = until_day + timedelta(days=1) if until_day else None
    events = selectors.audit_event_list(user=request.user, since=since, until=until, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "filters": request.GET,
            "query": query.urlencode(),
            "actions": selectors.audit_action_names(user=request.user),
        },
    )


@login_required
def job_list(request: SignedInRequest) -> HttpResponse:
    jobs = selectors.job_list_for_user(user=request.user)[:100]
    return render(request, "core/job_list.html", {"jobs": jobs})


@never_cache
@login_required
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get_for_viewing(user=request.user, job_id=job_id)
    template = "core/_job_status.html" if request.htmx else "core/job_detail.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


@login_required
def job_result(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get_result(user=request.user, job_id=job_id)
    response = JsonResponse(job.result, safe=False, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{job.kind}-{job.id}.json"'
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /accounts/",
        "Disallow: /api/",
        "Disallow: /audit/",
        "Disallow: /jobs/",
        "Disallow: /staff/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
