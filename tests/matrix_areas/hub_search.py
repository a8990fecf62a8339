"""Matrix rows of the hub's search page and read API (issue 12): anyone may search and read
published resources; a draft is not found (404) by anyone but its submitter, authors and staff.
"""

from tests.hub.factories import make_resource
from tests.permission_matrix import Row, World, every


def build(world: World) -> None:
    world.extra["hub-search-published"] = make_resource(title="Matrix published resource")
    world.extra["hub-search-draft"] = make_resource(
        title="Matrix draft resource", status="draft", submitted_by=world.other_user
    )


# fmt: off
ROWS: list[Row] = [
    Row("hub search page", "GET", lambda w: "/hub/?q=matrix&kind=method_card", every(200),
        api=False, route="hub_search"),
    Row("search hub resources", "GET", lambda w: "/api/v1/hub/resources?q=matrix", every(200),
        route="/api/v1/hub/resources"),
    Row("read a published hub resource", "GET",
        lambda w: f"/api/v1/hub/resources/{w.extra['hub-published'].slug}", every(200),
        route="/api/v1/hub/resources/{slug}"),
    Row("read another person's draft hub resource", "GET",
        lambda w: f"/api/v1/hub/resources/{w.extra['hub-draft'].slug}",
        every(404, staff=200, superuser=200), route="/api/v1/hub/resources/{slug}"),
]
# fmt: on
