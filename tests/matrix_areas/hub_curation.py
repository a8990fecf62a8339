"""Matrix rows of the hub's curation pages (issue 12 item 2): the queue, the checklist, a
resource's review page and steps, its version history and diffs.

`build` adds, all by `world.other_user`: a submitted resource, a draft, and a published
resource with two versions. Curators are Lab staff; nobody else finds the curation pages.
"""

from typing import Any

from cslab.hub.models import QualityCriterion, Resource
from cslab.hub.services.versions import version_record
from tests.hub.factories import make_resource
from tests.permission_matrix import (
    ANONYMOUS,
    LOGIN_REDIRECT,
    Row,
    World,
    every,
)


def build(world: World) -> None:
    owner = world.other_user
    world.extra["hub-curation-submitted"] = make_resource(
        submitted_by=owner, status=Resource.Status.SUBMITTED, slug="matrix-submitted"
    )
    world.extra["hub-curation-draft"] = make_resource(
        submitted_by=owner, status=Resource.Status.DRAFT, slug="matrix-draft"
    )
    published = make_resource(
        submitted_by=owner, status=Resource.Status.SUBMITTED, slug="matrix-published"
    )
    version_record(actor=None, resource=published)
    Resource.objects.filter(pk=published.pk).update(
        title="Matrix, renamed", status=Resource.Status.PUBLISHED
    )
    version_record(actor=None, resource=published)
    world.extra["hub-curation-published"] = published


def curators(status: int, others: int) -> dict[str, int]:
    """Staff and superusers get `status`, other signed-in people `others`, anonymous visitors
    are sent to log in."""
    expectation = every(others, staff=status, superuser=status)
    expectation[ANONYMOUS] = LOGIN_REDIRECT
    return expectation


def _slug(key: str, rest: str) -> Any:
    return lambda w: f"/hub/{w.extra[key].slug}/{rest}"


def _checklist(decision: str) -> Any:
    def body(w: World) -> dict[str, str]:
        answers = {
            f"criterion-{code}": "yes"
            for code in QualityCriterion.objects.filter(active=True).values_list("code", flat=True)
        }
        return {"decision": decision, "comment": "Matrix.", **answers}

    return body


# fmt: off
ROWS: list[Row] = [
    Row("curation queue", "GET", lambda w: "/hub/curation/", curators(200, 404),
        api=False, route="hub_curation_queue"),
    Row("quality checklist", "GET", lambda w: "/hub/criteria/", curators(200, 404),
        api=False, route="hub_criteria"),
    Row("add a quality criterion", "POST", lambda w: "/hub/criteria/", curators(302, 404),
        api=False, route="hub_criteria",
        body={"operation": "create", "new-label": "Matrix criterion"}),
    Row("review page of a submitted resource", "GET", _slug("hub-curation-submitted", "review/"),
        curators(200, 404), api=False, route="hub_resource_review"),
    Row("review page of someone's draft", "GET", _slug("hub-curation-draft", "review/"),
        curators(200, 404), api=False, route="hub_resource_review"),
    Row("publish a submitted resource", "POST", _slug("hub-curation-submitted", "review/"),
        curators(302, 404), api=False, route="hub_resource_review",
        body=_checklist("publish")),
    Row("submit someone's draft", "POST", _slug("hub-curation-draft", "step/submit/"),
        curators(302, 404), api=False, route="hub_resource_step"),
    Row("retire a published resource", "POST", _slug("hub-curation-published", "step/retire/"),
        curators(302, 403), api=False, route="hub_resource_step",
        body={"notice": "Matrix."}),
    Row("step that is not a button", "POST", _slug("hub-curation-submitted", "step/publish/"),
        curators(404, 404), api=False, route="hub_resource_step"),
    Row("version history of a published resource", "GET",
        _slug("hub-curation-published", "versions/"),
        every(200), api=False, route="hub_resource_versions"),
    Row("version history of someone's draft", "GET", _slug("hub-curation-draft", "versions/"),
        every(404, staff=200, superuser=200), api=False, route="hub_resource_versions"),
    Row("diff of two versions of a published resource", "GET",
        _slug("hub-curation-published", "versions/1/2/"), every(200),
        api=False, route="hub_resource_version_diff"),
    Row("diff of versions of someone's draft", "GET", _slug("hub-curation-draft", "versions/1/2/"),
        every(404), api=False, route="hub_resource_version_diff"),
]
# fmt: on
