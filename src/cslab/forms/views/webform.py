"""The web form: a form version filled in the browser, online or offline.

Three URLs:

- `/projects/<slug>/forms/<form_id>/fill/` draws the latest published version from its render
  model (`cslab.forms.form_model`); the browser checks the rules, keeps a draft, and sends
  finished observations to the JSON API (`POST …/submissions`, then each file to `…/media`)
  through an outbox in IndexedDB that survives reloads and waits for the connection.
- `/collect-sw.js`, the service worker, served from the site root so that it may control the
  form pages under `/projects/`; it names the files to keep for offline use and imports the
  worker's code from the static files.
- `/collect/offline/`, the page the worker shows for a form page it never kept while offline;
  it still shows and sends the outbox.

Without JavaScript the form page says that the form needs it (there is no plain-HTML
fallback: the outbox, drafts, map and media need the browser's storage; ODK Collect is the
offline alternative without a web browser).
"""

import hashlib
import json
import math
from functools import lru_cache
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cslab.consent.selectors import consent_redirect_url
from cslab.core import permissions
from cslab.core.errors import NotFoundError
from cslab.forms.form_model import DEFAULT_LANGUAGE, FormModelError, language_for, render_model
from cslab.observations import selectors
from cslab.observations.models import CollectionSettings, Observation
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing

SERVICE_WORKER_SCOPE = "/projects/"
# The worker's own code, imported by the script /collect-sw.js serves.
WORKER_SCRIPTS = ("collection/webform/queue.js", "collection/webform/service-worker.js")
# What the form page needs, kept by the worker for offline use.
OFFLINE_ASSETS = (
    "cslab/cslab.css",
    "htmx/htmx.min.js",
    "js_lib_leaflet/leaflet.css",
    "js_lib_leaflet/leaflet.js",
    "collection/webform/webform.css",
    "collection/webform/expressions.js",
    "collection/webform/queue.js",
    "collection/webform/webform.js",
    "collection/webform/sign-out.js",  # every signed-in page has it (base.html)
)
DEFAULT_MAP_ZOOM = 10


@require_GET
def webform_fill_page(request: HttpRequest, slug: str, form_id: str) -> HttpResponse:
    """Fill in the latest published version of a form (people who may submit to the project)."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    form = selectors.form_get_for_viewing(user=request.user, project=project, form_id=form_id)
    if not permissions.has_permission(request.user, "observation.submit", project):
        if not request.user.is_authenticated:
            # The log-in page offers to sign up too; both come back here.
            return redirect_to_login(request.get_full_path())
        # A way forward instead of a bare refusal: how to join the project's team.
        return render(
            request,
            "collection/webform_take_part.html",
            {"project": project, "form": form, "fill_url": request.get_full_path()},
            status=403,
        )
    # A new consent version "prompts for re-consent before the next contribution": before
    # the volunteer starts filling in, not when their observation is refused.
    consent_url = consent_redirect_url(
        user=request.user, project=project, next_url=request.get_full_path()
    )
    if consent_url is not None:
        return redirect(consent_url)
    version = selectors.form_version_get_latest(user=request.user, form=form)
    try:
        model = render_model(
            version.form_definition, form_id=form.form_id, version=version.version, title=form.title
        )
    except FormModelError:
        raise NotFoundError(_("This form has no questions the web form can show.")) from None
    model["version"] = version.version
    model["form_id"] = form.form_id
    default_geoprivacy = _default_geoprivacy(project)
    return render(
        request,
        "collection/webform.html",
        {
            "project": project,
            "form": form,
            "version": version,
            "title": model["title"] or form.title,
            "model": model,
            "language": language_for(model, get_language() or "en"),
            "form_languages": _language_choices(model),
            "texts": webform_texts(),
            "center": _map_center(project),
            "geoprivacy_choices": _geoprivacy_choices(default_geoprivacy),
            "default_geoprivacy": default_geoprivacy,
            "submit_url": f"/api/v1/projects/{project.slug}/forms/{form.form_id}/submissions",
            "media_url": f"/api/v1/projects/{project.slug}/observations/{{observation_id}}/media",
            "observations_url": f"/api/v1/projects/{project.slug}/observations",
            "service_worker_url": reverse("webform_service_worker"),
            "service_worker_scope": SERVICE_WORKER_SCOPE,
        },
    )


@require_GET
def webform_offline_page(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker for a form page it has not kept, while offline."""
    return render(
        request,
        "collection/webform_offline.html",
        {
            "texts": webform_texts(),
            "service_worker_url": reverse("webform_service_worker"),
            "service_worker_scope": SERVICE_WORKER_SCOPE,
        },
    )


@require_GET
def webform_service_worker(request: HttpRequest) -> HttpResponse:
    """The web form's service worker script, at the site root so it may control /projects/."""
    assets = [static(asset) for asset in OFFLINE_ASSETS]
    settings = {
        "version": assets_version(tuple(assets)),
        "assets": assets,
        "offlineUrl": reverse("webform_offline"),
    }
    imports = ", ".join(json.dumps(static(script)) for script in WORKER_SCRIPTS)
    body = f"self.CSLAB_WEBFORM = {json.dumps(settings)};\nimportScripts({imports});\n"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Browsers check the worker for updates; never let a cache hide a new version.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = SERVICE_WORKER_SCOPE
    return response


@lru_cache(maxsize=8)
def assets_version(asset_urls: tuple[str, ...]) -> str:
    """Return a short hash of the kept files' URLs and contents: a new one renews the cache."""
    digest = hashlib.sha256()
    for url in asset_urls:
        digest.update(url.encode())
    for relative in (*OFFLINE_ASSETS, *WORKER_SCRIPTS):
        found = finders.find(relative)
        if isinstance(found, str):
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:16]


def webform_texts() -> dict[str, str]:
    """The words the browser shows, translated here (the static scripts hold none)."""
    return {
        "required": _("(required)"),
        "required_message": _("This question needs an answer."),
        "constraint_message": _("This answer is not allowed here."),
        "integer_message": _("Give a whole number, such as 12."),
        "decimal_message": _("Give a number, such as 3.5."),
        "date_message": _("Give a date."),
        "location_invalid": _(
            "Give a latitude between -90 and 90 and a longitude between -180 and 180."
        ),
        "choose": _("Choose…"),
        "clear_answer": _("Clear this answer"),
        "not_answered": _("Not answered"),
        "unsupported": _("The web form cannot show this kind of question (%(type)s)."),
        "add_repeat": _("Add another: %(label)s"),
        "remove_repeat": _("Remove %(label)s %(number)s"),
        "remove_file": _("Remove this file"),
        "chosen_file": _("Chosen file: %(name)s"),
        "where": _("Where was this?"),
        "map_help": _(
            "Tap the map to place the pin, use your device's location, "
            "or type the latitude and longitude."
        ),
        "map_label": _("Map: tap to place the pin"),
        "map_attribution": _("Map data © OpenStreetMap contributors"),
        "pin_placed": _("Pin placed at %(latitude)s, %(longitude)s."),
        "use_my_location": _("Use my location"),
        "latitude": _("Latitude"),
        "longitude": _("Longitude"),
        "locating": _("Finding your position…"),
        "located": _("Position found (within about %(accuracy)s m)."),
        "location_denied": _(
            "Your browser did not share your position. Place the pin or type it instead."
        ),
        "location_failed": _("Your position could not be found. Place the pin or type it instead."),
        "location_unavailable": _("This browser cannot give your position."),
        "problems_title": _("Please check %(count)s answer(s) before sending:"),
        "saved_for_sending": _("Saved on this device. Sending…"),
        "storage_failed": _(
            "This browser would not store the observation. Check that it may store data for "
            "this site, then try again."
        ),
        "sent_one": ngettext("%(count)s observation sent.", "%(count)s observations sent.", 1),
        "sent_other": ngettext("%(count)s observation sent.", "%(count)s observations sent.", 2),
        "signed_out": _("Log in again to send the observations waiting on this device."),
        "outbox_empty": _("No observations are waiting to be sent."),
        "waiting_one": ngettext(
            "%(count)s observation waiting to be sent.",
            "%(count)s observations waiting to be sent.",
            1,
        ),
        "waiting_other": ngettext(
            "%(count)s observation waiting to be sent.",
            "%(count)s observations waiting to be sent.",
            2,
        ),
        "offline_now": _("You are offline: they will be sent when the connection returns."),
        "waiting_state": _(" — waiting"),
        "conflict_message": _(
            "The server already holds a different observation under this one's ID, so it was "
            "not sent."
        ),
        "refused_message": _("The server did not accept this observation."),
        "consent_message": _(
            "The project asks for your consent to its current consent text before it takes "
            "this observation. Read it and consent, then try again."
        ),
        "consent_link": _("Read the consent text"),
        "discard": _("Discard"),
        "discard_confirm": _("Discard this observation from this device? This cannot be undone."),
        "try_again": _("Try again"),
        "unclaimed_message": _(
            "Saved on this device before it recorded who saved it. Send it as yours only if "
            "you saved it; otherwise discard it."
        ),
        "send_as_me": _("Send as mine"),
        "draft_saved": _("Draft kept on this device at %(time)s."),
        "draft_restored": _("Your draft from %(time)s was restored."),
        "start_over_confirm": _("Start over? The answers you gave in this draft are removed."),
        "started_over": _("Started a new, empty observation."),
    }


def _language_choices(model: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "key": language["key"],
            "code": language["code"],
            "name": _("Default") if language["key"] == DEFAULT_LANGUAGE else language["name"],
        }
        for language in model["languages"]
    ]


def _default_geoprivacy(project: Project) -> str:
    found = (
        CollectionSettings.objects.filter(project=project)
        .values_list("default_geoprivacy", flat=True)
        .first()
    )
    return str(found or Observation.Geoprivacy.OPEN)


def _geoprivacy_choices(default: str) -> list[dict[str, Any]]:
    explanations = {
        Observation.Geoprivacy.OPEN: _("Everyone sees where this was observed."),
        Observation.Geoprivacy.OBSCURED: _(
            "The public sees only an area of about 20 km and the day; the project team sees "
            "the exact place."
        ),
        Observation.Geoprivacy.PRIVATE: _(
            "The public sees no location; the project team sees the exact place."
        ),
    }
    labels = {
        Observation.Geoprivacy.OPEN: _("Open"),
        Observation.Geoprivacy.OBSCURED: _("Obscured"),
        Observation.Geoprivacy.PRIVATE: _("Private"),
    }
    return [
        {
            "value": str(value),
            "label": labels[value],
            "explanation": explanations[value],
            "checked": value == default,
        }
        for value in Observation.Geoprivacy
    ]


def _map_center(project: Project) -> dict[str, float] | None:
    """Where the map starts: the project's area, or None (the browser picks a wide view)."""
    if project.centre_latitude is None or project.centre_longitude is None:
        return None
    zoom = DEFAULT_MAP_ZOOM
    if None not in (
        project.extent_west,
        project.extent_east,
        project.extent_south,
        project.extent_north,
    ):
        span = max(
            abs(float(project.extent_east or 0) - float(project.extent_west or 0)),
            abs(float(project.extent_north or 0) - float(project.extent_south or 0)),
            1e-4,
        )
        zoom = max(3, min(15, round(math.log2(360 / span))))
    return {
        "latitude": float(project.centre_latitude),
        "longitude": float(project.centre_longitude),
        "zoom": zoom,
    }


urlpatterns = [
    path(
        "projects/<slug:slug>/forms/<str:form_id>/fill/",
        webform_fill_page,
        name="webform_fill",
    ),
    path("collect/offline/", webform_offline_page, name="webform_offline"),
    path("collect-sw.js", webform_service_worker, name="webform_service_worker"),
]
