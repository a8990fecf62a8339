"""The NinjaAPI instance at /api/v1/: every area's router is registered here."""

from typing import Any

from ninja import NinjaAPI, Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from cslab.accounts.api import router as accounts_router
from cslab.api import errors
from cslab.api.openapi import CslabOpenAPISchema
from cslab.api.shapes import require_requests_to_match_the_document
from cslab.classification.api import router as classification_router
from cslab.consensus.api import router as consensus_router
from cslab.consent.api import router as consent_router
from cslab.core.api import router as core_router
from cslab.events.api import router as events_router
from cslab.exports.api import router as exports_router
from cslab.forms.api import router as forms_router
from cslab.hub.api import router as hub_router
from cslab.impact.api import router as impact_router
from cslab.media.api import router as media_router
from cslab.notifications.api import router as notifications_router
from cslab.observations.api.map import router as map_router
from cslab.observations.api.observations import router as collection_router
from cslab.openrosa.api import router as openrosa_router
from cslab.participants.api import router as participants_router
from cslab.ppsr.api import router as ppsr_router
from cslab.privacy.api.erasure import router as erasure_router
from cslab.privacy.api.export import router as export_router
from cslab.projects.api import router as projects_router
from cslab.projects.api_team import router as team_router
from cslab.questions.api import router as questions_router
from cslab.training.api import router as training_router

# Operation ids are part of the published contract (clients generate method names from them), and
# django-ninja derives them from the handler's module. These modules moved when `collection` was
# split into forms/observations/media and PPSR left projects (issue 10); their operations keep
# the ids they had.
OPERATION_ID_PREFIXES = {
    "cslab.observations.api.observations": "cslab_collection_api",
    "cslab.observations.api.map": "cslab_collection_api_map",
    "cslab.forms.api": "cslab_collection_api_forms",
    "cslab.media.api": "cslab_collection_api_media",
    "cslab.ppsr.api": "cslab_projects_api_ppsr",
}


class CachedSchemaNinjaAPI(NinjaAPI):
    """A NinjaAPI that builds its OpenAPI document once per process, with the error responses
    and public operations documented (`cslab.api.openapi`).

    django-ninja rebuilds the whole document on every request to /openapi.json; with every
    area's routes that costs about half a second of CPU per request. The routes cannot change
    while a process runs, so the first document built is the document.
    """

    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        prefix = OPERATION_ID_PREFIXES.get(module, module.replace(".", "_"))
        return f"{prefix}_{operation.view_func.__name__}"

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache: dict[str, OpenAPISchema] = self.__dict__.setdefault("_schema_cache", {})
        if path_prefix not in cache:
            cache[path_prefix] = CslabOpenAPISchema(self, path_prefix)
        return cache[path_prefix]


api = CachedSchemaNinjaAPI(
    title="cslab API",
    version="1.0.0",
    description=(
        "The API of cslab, the Citizen Science Lab platform. Authenticate with a personal API "
        "token (`Authorization: Bearer cslab_…`) or a browser session. Errors are RFC 9457 "
        "problem+json documents with a stable `code`. Lists use cursor pagination: pass the "
        "`next_cursor` of a page as `cursor` to get the next one."
    ),
    urls_namespace="api-1.0.0",
    # Without deep links each operation's path is text, not a link inside the operation's
    # button (axe-core: nested-interactive); the page's other fixes are in ninja/swagger.html.
    docs=Swagger(settings={"deepLinking": False}),
)
errors.install(api)

for router in (
    accounts_router,
    core_router,
    projects_router,
    team_router,
    ppsr_router,
    questions_router,
    notifications_router,
    # Before collection_router: /observations/map must not be read as /observations/{id}.
    map_router,
    collection_router,
    forms_router,
    media_router,
    classification_router,
    consensus_router,
    openrosa_router,
    hub_router,
    events_router,
    training_router,
    consent_router,
    participants_router,
    impact_router,
    exports_router,
    export_router,
    erasure_router,
):
    api.add_router("/", router)

require_requests_to_match_the_document(api)
