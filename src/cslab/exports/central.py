"""A read-only subset of ODK Central's API, so that pyodk, ruODK, Excel and Power BI read cslab.

Central's names: a project is addressed by its number (cslab's primary key), a form by its
`xmlFormId` (cslab's `form_id`). Rows come only through `export_plan` and `export_rows`, the
one path that applies permissions and geoprivacy: the feed shows what an export by the same
person would. Every route needs a signed-in caller (as Central does): a session token from
`POST /v1/sessions`, a cslab API token (`Bearer cslab_…`), HTTP Basic with e-mail and password
(what Excel and Power BI send), or the browser session. See docs/odata.md.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import timedelta
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path, re_path
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cslab.accounts.models import User
from cslab.accounts.services.api_tokens import TOKEN_PREFIX, api_token_authenticate
from cslab.accounts.throttling import account_attempt_reserve, failure_key
from cslab.core.actors import Actor
from cslab.core.errors import NotAuthenticatedError, NotFoundError
from cslab.exports import odata
from cslab.exports.columns import Table
from cslab.exports.selectors import (
    OBSERVER_ID_CELL,
    ExportPlan,
    export_next_cursor,
    export_observation_count,
    export_plan,
    export_rows,
)
from cslab.forms.models import Form
from cslab.observations.selectors import (
    form_get_for_viewing,
    form_list_for_project,
    form_version_get_latest,
)
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing, project_list_visible

SESSION_LIFETIME = timedelta(hours=24)
SESSION_SALT = "cslab.exports.central.session"
# Long enough for any real address and password, short enough not to be a memory or hashing
# burden.
MAX_CREDENTIAL_LENGTH = 1000
NOT_AUTHENTICATED = "Could not authenticate with the provided credentials."
# The submitter shown to those who may not see observers: Central's actor ids start at 1.
NO_SUBMITTER = 0


def _error(status: HTTPStatus, message: str, *, odata_body: bool) -> JsonResponse:
    # The OData routes answer OData's error body; the others Central's {code, message}.
    body: dict[str, Any] = (
        {"error": {"code": str(int(status)), "message": message}}
        if odata_body
        else {"code": int(status), "message": message}
    )
    response = JsonResponse(body, status=status)
    if status == HTTPStatus.UNAUTHORIZED:
        # Excel and Power BI ask for Basic credentials when challenged.
        response["WWW-Authenticate"] = 'Basic realm="cslab", charset="UTF-8"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- authentication ----------------------------------------------------------------------------


def _failure_cache_key(email: str, request: HttpRequest) -> str:
    # Per account and client address, as the web log-in counts (cslab.accounts.throttling).
    return "central-session-failures:" + failure_key(login=email, request=request)


def _password_user(request: HttpRequest, email: str, password: str) -> User | None:
    """The active user with these credentials; None when wrong or after too many failures
    (the two are not told apart, and neither is whether the address exists)."""
    if not email or not password or len(email) + len(password) > MAX_CREDENTIAL_LENGTH:
        return None
    key = _failure_cache_key(email, request)
    if int(cache.get(key, 0)) >= settings.LOGIN_FAILURE_LIMIT:
        return None
    # The web password's hourly ceiling over all addresses, shared with the log-in page.
    reservation = account_attempt_reserve(login=email, request=request)
    if reservation is None:
        return None
    user = authenticate(request, username=email, password=password)
    if isinstance(user, User) and user.is_active:
        reservation.rollback()
        return user
    window = settings.LOGIN_FAILURE_WINDOW_MINUTES * 60
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, timeout=window)
    return None


def session_token_issue(user: User) -> str:
    """A signed session token: the user id and a time stamp, valid for SESSION_LIFETIME. The
    session hash (an HMAC of the password hash, as Django's sessions use) is signed in too, so
    that changing the password ends every session without the token revealing the hash."""
    return signing.TimestampSigner(salt=SESSION_SALT).sign_object(
        {"user": user.pk, "password": user.get_session_auth_hash()}
    )


def _session_token_user(token: str) -> User | None:
    try:
        content = signing.TimestampSigner(salt=SESSION_SALT).unsign_object(
            token, max_age=SESSION_LIFETIME
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(content, dict):
        return None
    user_id = content.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(
        user.get_session_auth_hash(), str(content.get("password", ""))
    ):
        return None
    return user


def _caller(request: HttpRequest) -> Actor:
    header = request.headers.get("Authorization", "")
    if len(header) > MAX_CREDENTIAL_LENGTH * 2:
        raise NotAuthenticatedError(NOT_AUTHENTICATED)
    scheme, _, credentials = header.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        user = (
            api_token_authenticate(secret=credentials)
            if credentials.startswith(TOKEN_PREFIX)
            else _session_token_user(credentials)
        )
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        email, _, password = decoded.partition(":")
        user = _password_user(request, email, password)
    elif not header and request.user.is_authenticated:
        return request.user
    else:
        user = None
    if user is None:
        raise NotAuthenticatedError(NOT_AUTHENTICATED)
    return user


def _central_view(
    *, odata_body: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Authenticate the caller and answer refusals in Central's (or OData's) error body."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                user = _caller(request)
                response = view(request, user, *args, **kwargs)
            except NotAuthenticatedError:
                return _error(HTTPStatus.UNAUTHORIZED, NOT_AUTHENTICATED, odata_body=odata_body)
            except NotFoundError:
                return _error(
                    HTTPStatus.NOT_FOUND,
                    "Could not find the resource you were looking for.",
                    odata_body=odata_body,
                )
            except odata.ODataQueryError as error:
                return _error(HTTPStatus.BAD_REQUEST, str(error), odata_body=True)
            response["Cache-Control"] = "private, no-store"
            return response

        return never_cache(require_GET(wrapped))

    return decorate


# --- Central's REST routes ---------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


@csrf_exempt  # no cookie is read: the caller proves itself with e-mail and password
@require_POST
def sessions(request: HttpRequest) -> HttpResponse:
    """Central's log-in: e-mail and password (JSON) in, a bearer token out."""
    try:
        body = _json_object(request.body)
        email, password = str(body.get("email", "")), str(body.get("password", ""))
    except (ValueError, AttributeError):
        email = password = ""  # empty until the form fills them in  # nosec B105
    user = _password_user(request, email.strip(), password)
    if user is None:
        return _error(HTTPStatus.UNAUTHORIZED, NOT_AUTHENTICATED, odata_body=False)
    now = timezone.now()
    return JsonResponse(
        {
            "token": session_token_issue(user),
            "createdAt": _iso(now),
            "expiresAt": _iso(now + SESSION_LIFETIME),
        },
        headers={"Cache-Control": "private, no-store"},
    )


def _json_object(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_CREDENTIAL_LENGTH * 2:
        raise ValueError("too large")
    value = json.loads(raw or b"{}")
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


@_central_view()
def current_user(request: HttpRequest, user: User) -> HttpResponse:
    """Who the token belongs to (pyodk checks a cached token here)."""
    return JsonResponse(
        {
            "id": user.pk,
            "type": "user",
            "displayName": getattr(user, "display_name", "") or str(user),
            "email": user.email,
            "createdAt": _iso(user.date_joined),
        }
    )


def _project(user: Actor, project_id: int | str) -> Project:
    slug = Project.objects.filter(pk=int(project_id)).values_list("slug", flat=True).first()
    if slug is None:
        raise NotFoundError()
    return project_get_for_viewing(user=user, slug=slug)


def _project_json(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "name": project.name,
        "description": None,
        "archived": False,
        "keyId": None,
        "createdAt": _iso(getattr(project, "created_at", None)),
        "updatedAt": _iso(getattr(project, "updated_at", None)),
    }


@_central_view()
def project_list(request: HttpRequest, user: User) -> HttpResponse:
    """The projects the caller may open: listed ones, and unlisted ones only for their team."""
    projects = project_list_visible(user=user).order_by("id")
    return JsonResponse([_project_json(project) for project in projects], safe=False)


@_central_view()
def project_detail(request: HttpRequest, user: User, project_id: int) -> HttpResponse:
    return JsonResponse(_project_json(_project(user, project_id)))


def _form_json(user: Actor, project: Project, form: Form) -> dict[str, Any]:
    # pyodk's Form model requires every key below; `version` and `hash` (the XForm's MD5, as
    # the OpenRosa form list gives it) are those of the published version, "" before one is.
    try:
        latest = form_version_get_latest(user=user, form=form)
        version, xform_hash, published_at = latest.version, latest.md5, latest.published_at
    except NotFoundError:
        version, xform_hash, published_at = "", "", None
    return {
        "projectId": project.pk,
        "xmlFormId": form.form_id,
        "name": form.title,
        "version": version,
        "hash": xform_hash,
        "state": "open",
        "enketoId": None,
        "keyId": None,
        "createdAt": _iso(form.created_at),
        "updatedAt": None,
        "publishedAt": _iso(published_at),
    }


@_central_view()
def form_list(request: HttpRequest, user: User, project_id: int) -> HttpResponse:
    project = _project(user, project_id)
    forms = form_list_for_project(user=user, project=project)
    return JsonResponse([_form_json(user, project, form) for form in forms], safe=False)


@_central_view()
def form_detail(request: HttpRequest, user: User, project_id: int, form_id: str) -> HttpResponse:
    project = _project(user, project_id)
    form = form_get_for_viewing(user=user, project=project, form_id=form_id)
    return JsonResponse(_form_json(user, project, form))


def _plan(user: Actor, project_id: int, form_id: str) -> ExportPlan:
    return export_plan(user=user, project=_project(user, project_id), form_id=form_id, public=False)


def _rows_of(plan: ExportPlan, table: Table) -> Iterator[Mapping[str, Any]]:
    for row_table, row in export_rows(plan):
        if row_table is table:
            yield row


def _submissions_page(plan: ExportPlan, query: odata.Query) -> tuple[list[Mapping[str, Any]], int]:
    """One page of Submissions and how many match, read by the query: the page's rows only,
    not every row before and after it."""
    matched = export_observation_count(plan)
    after_id: int | None = 0
    if query.skip:
        after_id = export_next_cursor(plan, after_id=0, limit=query.skip)
        if after_id is None:
            return [], matched
    rows = export_rows(plan, after_id=after_id or 0, limit=query.top)
    return [row for row_table, row in rows if row_table is plan.tables], matched


@_central_view()
def submission_list(
    request: HttpRequest, user: User, project_id: int, form_id: str
) -> HttpResponse:
    """Central's submission metadata, oldest first; `submitterId` only for those who see
    observers. Others get 0, no one (they get no names): pyodk requires an integer there, and
    Central numbers its actors from 1."""
    plan = _plan(user, project_id, form_id)
    personal = plan.metadata.true_locations
    submissions = [
        {
            "instanceId": row["key"],
            "submitterId": (row.get(OBSERVER_ID_CELL) if personal else None) or NO_SUBMITTER,
            "createdAt": odata.entity(plan.tables, row, personal_data=False)["__system"][
                "submissionDate"
            ],
            "updatedAt": None,
            "reviewState": odata.REVIEW_STATES.get(str(row.get("status"))),
            "deviceId": None,
            "instanceName": None,
        }
        for row in _rows_of(plan, plan.tables)
    ]
    return JsonResponse(submissions, safe=False)


# --- the OData service -------------------------------------------------------------------------


def _odata_version(request: HttpRequest) -> int:
    """4, or 2 for clients that say they speak OData v2 at most (pyodata, older tools)."""
    asked = request.headers.get("MaxDataServiceVersion") or request.headers.get(
        "DataServiceVersion"
    )
    if asked and asked.strip()[:1] in ("1", "2", "3"):
        return 2
    return 4


def _svc_url(request: HttpRequest, project_id: int, form_id: str) -> str:
    return request.build_absolute_uri(f"/v1/projects/{project_id}/forms/{form_id}.svc/")


def _odata_response(request: HttpRequest, body: dict[str, Any], version: int) -> JsonResponse:
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    if version >= 4:
        response["Content-Type"] = "application/json; odata.metadata=minimal; charset=utf-8"
        response["OData-Version"] = "4.0"
    else:
        response["DataServiceVersion"] = "2.0"
    return response


@_central_view(odata_body=True)
def service_document(
    request: HttpRequest, user: User, project_id: int, form_id: str
) -> HttpResponse:
    plan = _plan(user, project_id, form_id)
    base = _svc_url(request, project_id, form_id)
    version = _odata_version(request)
    body = odata.service_document(plan.tables, metadata_url=base + "$metadata")
    if version < 4:
        body = {"d": {"EntitySets": [item["name"] for item in body["value"]]}}
    return _odata_response(request, body, version)


@_central_view(odata_body=True)
def metadata(request: HttpRequest, user: User, project_id: int, form_id: str) -> HttpResponse:
    plan = _plan(user, project_id, form_id)
    version = _odata_version(request)
    document = odata.metadata_xml(
        plan.tables,
        form_id=plan.form.form_id,
        personal_data=plan.metadata.true_locations,
        odata_version=version,
    )
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    response["OData-Version" if version >= 4 else "DataServiceVersion"] = (
        "4.0" if version >= 4 else "2.0"
    )
    return response


@_central_view(odata_body=True)
def entity_set(
    request: HttpRequest, user: User, project_id: int, form_id: str, set_name: str
) -> HttpResponse:
    """The entities of one set, with $top, $skip, $count and (on Submissions) $filter."""
    plan = _plan(user, project_id, form_id)
    table = odata.table_for_set(plan.tables, set_name)
    if table is None:
        raise NotFoundError()
    query = odata.parse_query(request.GET.dict(), filterable=not table.path)
    plan = replace(plan, conditions=query.conditions)
    if table.path:
        rows, matched = odata.page(_rows_of(plan, table), query)
    else:
        rows, matched = _submissions_page(plan, query)
    version = _odata_version(request)
    personal = plan.metadata.true_locations
    values = [
        odata.entity(table, row, personal_data=personal, odata_version=version) for row in rows
    ]
    base = _svc_url(request, project_id, form_id)
    if version < 4:
        result: dict[str, Any] = {"results": values}
        if query.count:
            result["__count"] = str(matched)
        return _odata_response(request, {"d": result}, version)
    body: dict[str, Any] = {"@odata.context": f"{base}$metadata#{set_name}", "value": values}
    if query.count:
        body["@odata.count"] = matched
    end = query.skip + len(values)
    if query.top is not None and end < matched:
        body["@odata.nextLink"] = f"{base}{set_name}?$top={query.top}&$skip={end}" + (
            "&$count=true" if query.count else ""
        )
    return _odata_response(request, body, version)


# Central's xmlFormId may hold dots, so the form part of a path is matched up to ".svc" or "/".
_FORM = r"^v1/projects/(?P<project_id>[0-9]{1,18})/forms/(?P<form_id>[^/]{1,255}?)"

urlpatterns: list[URLPattern] = [
    path("v1/sessions", sessions, name="central_sessions"),
    path("v1/users/current", current_user, name="central_current_user"),
    path("v1/projects", project_list, name="central_projects"),
    path("v1/projects/<int:project_id>", project_detail, name="central_project"),
    path("v1/projects/<int:project_id>/forms", form_list, name="central_forms"),
    re_path(_FORM + r"\.svc/?$", service_document, name="central_odata_service"),
    re_path(_FORM + r"\.svc/\$metadata$", metadata, name="central_odata_metadata"),
    re_path(
        _FORM + r"\.svc/(?P<set_name>Submissions(?:\.[^/]{1,255})?)$",
        entity_set,
        name="central_odata_entities",
    ),
    re_path(_FORM + r"/submissions$", submission_list, name="central_submissions"),
    re_path(_FORM + r"$", form_detail, name="central_form"),
]
