"""The OpenRosa endpoints (formList, form download, manifest, submission) and the project
leads' buttons for app users.

Every OpenRosa answer, errors and 401 included, carries `X-OpenRosa-Version: 1.0` and `Date`;
errors are OpenRosaResponse documents whose message ODK Collect shows. Domain errors are mapped
to HTTP here once, for this protocol, as `cslab.api.errors` does for the JSON API. The same
views serve two URL families: `/openrosa/<slug>/…` (a signed-in session or HTTP Digest with a
device password) and `/openrosa/key/<token>/<slug>/…` (an app user's token, no challenge).
Each person's device passwords are listed, created and revoked on their account pages here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cslab.core import permissions
from cslab.core.actors import Actor, SignedInRequest
from cslab.core.errors import (
    DomainError,
    InvalidInputError,
    PayloadTooLargeError,
    PermissionDeniedError,
)
from cslab.core.problems import ProblemCode
from cslab.openrosa import auth, documents, selectors
from cslab.openrosa.forms import DevicePasswordForm
from cslab.openrosa.services import submissions
from cslab.openrosa.services.app_users import app_user_create, app_user_revoke
from cslab.openrosa.services.device_passwords import device_password_create, device_password_revoke
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing

OPENROSA_VERSION = "1.0"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"
# What a submission request may weigh (ODK Collect's default too); Collect splits larger ones.
ACCEPT_CONTENT_LENGTH = 10_000_000


def _finish(response: HttpResponse) -> HttpResponse:
    response["X-OpenRosa-Version"] = OPENROSA_VERSION
    response["Date"] = http_date()
    return response


def _xml(content: bytes, status: int = 200) -> HttpResponse:
    return _finish(HttpResponse(content, status=status, content_type=XML_CONTENT_TYPE))


def _message(message: str, *, status: int) -> HttpResponse:
    return _xml(documents.openrosa_response(message, success=status < 300), status=status)


def status_for(error: DomainError) -> int:
    """The HTTP status of an OpenRosa answer to `error`: the code's status in the one table,
    or its OpenRosa status where the protocol differs (a file too large is 413 to ODK Collect)."""
    code = error.code
    return int(code.openrosa_status or code.status)


@dataclass(frozen=True)
class Caller:
    """Who asks, for which project, through which URL family."""

    actor: Actor
    project: Project
    token: str | None

    def url(self, request: HttpRequest, name: str, **kwargs: Any) -> str:
        if self.token is not None:
            path = reverse(f"openrosa_key_{name}", kwargs={"token": self.token, **kwargs})
        else:
            path = reverse(f"openrosa_{name}", kwargs=kwargs)
        return request.build_absolute_uri(path)


Handler = Callable[..., HttpResponse]


def _sign_in_please(challenge: str) -> HttpResponse:
    response = _message(
        _("Log in with your e-mail address and a device password from your profile."),
        status=401,
    )
    response["WWW-Authenticate"] = challenge
    return response


def openrosa_endpoint(handler: Handler) -> Handler:
    """Resolve the caller of either URL family, then run the handler with OpenRosa answers."""

    @csrf_exempt
    @wraps(handler)
    def view(request: HttpRequest, slug: str, token: str | None = None, **kwargs: Any) -> Any:
        try:
            caller = _caller(request, slug=slug, token=token)
            if isinstance(caller, auth.DigestRefusal):
                return _sign_in_please(caller.challenge)
            return _finish(handler(request, caller, **kwargs))
        except DomainError as error:
            return _message(error.one_line(), status=status_for(error))

    return view


def _caller(request: HttpRequest, *, slug: str, token: str | None) -> Caller | auth.DigestRefusal:
    if token is not None:
        actor = auth.actor_for_token(token=token, slug=slug)
        project = actor.app_user.project
        return Caller(actor=actor, project=project, token=token)
    if request.user.is_authenticated:
        # A browser session (Enketo on this site). Cross-site forms cannot send custom
        # headers, so requiring the OpenRosa header on writes keeps them out (with SameSite
        # session cookies as a second wall) although these views are exempt from CSRF tokens.
        if request.method == "POST" and "X-OpenRosa-Version" not in request.headers:
            raise PermissionDeniedError(_("Send the X-OpenRosa-Version header."))
        user: Actor = request.user
    else:
        found = auth.user_from_digest(request)
        if isinstance(found, auth.DigestRefusal):
            return found
        user = found
    return Caller(actor=user, project=project_get_for_viewing(user=user, slug=slug), token=None)


@openrosa_endpoint
def form_list(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The forms a device may download (`?formID=` keeps one)."""
    wanted = request.GET.get("formID")
    items = [
        documents.FormListItem(
            form_id=item.form.form_id,
            name=item.form.title,
            version=item.version.version,
            md5=item.version.md5,
            download_url=caller.url(
                request, "form_download", slug=caller.project.slug, form_id=item.form.form_id
            ),
        )
        for item in selectors.published_form_list(user=caller.actor, project=caller.project)
        if wanted is None or item.form.form_id == wanted
    ]
    return HttpResponse(documents.form_list(items), content_type=XML_CONTENT_TYPE)


@openrosa_endpoint
def form_download(request: HttpRequest, caller: Caller, form_id: str) -> HttpResponse:
    """The latest published version's XForm, byte for byte what formList's hash covers."""
    item = selectors.published_form_get(user=caller.actor, project=caller.project, form_id=form_id)
    response = HttpResponse(item.version.xform.encode("utf-8"), content_type=XML_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{item.form.form_id}.xml"'
    return response


@openrosa_endpoint
def form_manifest(request: HttpRequest, caller: Caller, form_id: str) -> HttpResponse:
    """The form's media files (none yet: forms carry no media files of their own)."""
    selectors.published_form_get(user=caller.actor, project=caller.project, form_id=form_id)
    return HttpResponse(documents.manifest([]), content_type=XML_CONTENT_TYPE)


@openrosa_endpoint
def submission(request: HttpRequest, caller: Caller) -> HttpResponse:
    """HEAD: 204 with the accepted size. POST: store a submission (multipart), 201."""
    permissions.require(caller.actor, "observation.submit", caller.project)
    if request.method == "HEAD":
        response = HttpResponse(status=204)
        response["X-OpenRosa-Accept-Content-Length"] = str(ACCEPT_CONTENT_LENGTH)
        return response
    if request.method != "POST":
        response = _message(_("Send submissions with POST."), status=405)
        response["Allow"] = "HEAD, POST"
        return response
    xml, attachments = _submission_parts(request)
    result = submissions.openrosa_submission_receive(
        actor=caller.actor, project=caller.project, xml=xml, attachments=attachments
    )
    message = (
        _("Observation received, thank you!")
        if result.created
        else _("This observation was already received; nothing was stored twice.")
    )
    return _message(message, status=201)


def _too_large() -> PayloadTooLargeError:
    return PayloadTooLargeError(
        _("The submission is larger than %(bytes)d bytes.") % {"bytes": ACCEPT_CONTENT_LENGTH},
        code=ProblemCode.SUBMISSION_TOO_LARGE,
    )


def _submission_parts(request: HttpRequest) -> tuple[bytes, dict[str, Any]]:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > ACCEPT_CONTENT_LENGTH:
        raise _too_large()
    try:
        files = request.FILES
    except RequestDataTooBig:
        raise _too_large() from None
    except (MultiPartParserError, SuspiciousOperation):
        raise InvalidInputError(
            _("Send the submission as multipart/form-data."), code=ProblemCode.INVALID_SUBMISSION
        ) from None
    xml_file = files.get("xml_submission_file")
    if xml_file is None:
        raise InvalidInputError(
            _("The request has no xml_submission_file part."), code=ProblemCode.INVALID_SUBMISSION
        )
    parts: dict[str, UploadedFile] = {}
    for field_name in files:
        part = files.get(field_name)
        if isinstance(part, UploadedFile):
            parts[field_name] = part
    if sum(part.size or 0 for part in parts.values()) > ACCEPT_CONTENT_LENGTH:
        raise _too_large()
    if (xml_file.size or 0) > submissions.MAX_XML_BYTES:
        raise _too_large()
    attachments: dict[str, Any] = {}
    for field_name, uploaded in parts.items():
        if field_name == "xml_submission_file":
            continue
        # ODK Collect and Enketo name each part after its file; the part's own file name is
        # the fallback.
        attachments[field_name] = uploaded
        if uploaded.name and uploaded.name != field_name:
            attachments.setdefault(uploaded.name, uploaded)
    return xml_file.read(), attachments


# --- Project leads: app users ---


def _project_page(project: Project) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("project_detail", args=[project.slug]) + "#openrosa")


@require_POST
def app_user_create_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Create an app user (a device's server URL) and go back to the project page."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    app_user_create(actor=request.user, project=project, name=request.POST.get("name", ""))
    return _project_page(project)


@require_POST
def app_user_revoke_page(request: HttpRequest, slug: str, app_user_id: int) -> HttpResponse:
    """Revoke an app user and go back to the project page."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    app_user = selectors.app_user_get_for_managing(
        user=request.user, project=project, app_user_id=app_user_id
    )
    app_user_revoke(actor=request.user, app_user=app_user)
    return _project_page(project)


# --- Each person: device passwords for ODK Collect ---


@login_required
def device_passwords_page(request: SignedInRequest) -> HttpResponse:
    """List one's device passwords; POST creates one and shows it this once."""
    form = DevicePasswordForm(request.POST or None)
    new_password = None
    if request.method == "POST" and form.is_valid():
        try:
            _created, new_password = device_password_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
            form = DevicePasswordForm()
        except DomainError as error:
            form.add_error("name", error.message)
    context = {
        "form": form,
        "new_password": new_password,
        "device_passwords": selectors.device_password_list_for_user(user=request.user),
        "username": getattr(request.user, "email", ""),
    }
    return render(request, "openrosa/device_passwords.html", context)


@login_required
@require_POST
def device_password_revoke_page(request: SignedInRequest, device_password_id: int) -> HttpResponse:
    """Revoke one of one's device passwords and go back to the list."""
    device_password = selectors.device_password_get_for_managing(
        user=request.user, device_password_id=device_password_id
    )
    device_password_revoke(actor=request.user, device_password=device_password)
    messages.success(
        request,
        _("The device password “%(name)s” is revoked.") % {"name": device_password.name},
    )
    return redirect("device_passwords")
