"""The NinjaAPI instance at /api/v1/: every area's router is registered here."""

from ninja import NinjaAPI

from cslab.accounts.api import router as accounts_router
from cslab.api import errors
from cslab.core.api import router as core_router
from cslab.notifications.api import router as notifications_router
from cslab.projects.api import router as projects_router
from cslab.projects.api_ppsr import router as ppsr_router
from cslab.projects.api_team import router as team_router
from cslab.questions.api import router as questions_router

api = NinjaAPI(
    title="cslab API",
    version="1.0.0",
    description=(
        "The API of cslab, the Citizen Science Lab platform. Authenticate with a personal API "
        "token (`Authorization: Bearer cslab_…`) or a browser session. Errors are RFC 9457 "
        "problem+json documents with a stable `code`. Lists use cursor pagination: pass the "
        "`next_cursor` of a page as `cursor` to get the next one."
    ),
    urls_namespace="api-1.0.0",
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
):
    api.add_router("/", router)
