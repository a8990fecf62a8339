"""Matrix rows of the case-study pages (issue 12 items 8-10).

`build` adds a published case study and a draft, both submitted by `world.other_user`, so no
role is their author: anyone may open the published one, only Lab staff the draft (404 for
everyone else), and only Lab staff may edit either.
"""

from typing import Any

from cslab.hub.models import CaseStudy, CaseStudyProject, Resource
from cslab.hub.vocabulary import ResourceKind
from tests.hub.factories import make_resource
from tests.permission_matrix import Row, World, every, signed_in


def _case_study(world: World, slug: str, status: str) -> Resource:
    resource = make_resource(
        slug=slug, kind=ResourceKind.CASE_STUDY, status=status, submitted_by=world.other_user
    )
    case_study = CaseStudy.objects.create(resource=resource, context="Matrix.")
    CaseStudyProject.objects.create(case_study=case_study, project=world.public_project)
    CaseStudyProject.objects.create(case_study=case_study, project=world.team_project)
    return resource


def build(world: World) -> None:
    world.extra["case-study"] = _case_study(world, "matrix-case-study", Resource.Status.PUBLISHED)
    world.extra["case-study-draft"] = _case_study(
        world, "matrix-case-study-draft", Resource.Status.DRAFT
    )


def _url(key: str, suffix: str) -> Any:
    return lambda w: f"/hub/{w.extra[key].slug}/{suffix}"


EDIT_FORM = {
    "context": "Changed by the matrix.",
    **{
        f"{name}-{field}": "0"
        for name in ("groups", "people", "outputs", "impacts")
        for field in ("TOTAL_FORMS", "INITIAL_FORMS")
    },
}
STAFF_ONLY = every(404, staff=200, superuser=200)

# fmt: off
ROWS: list[Row] = [
    Row("case studies", "GET", lambda w: "/hub/case-studies/", every(200), api=False,
        route="hub_case_studies"),
    Row("case studies filtered", "GET", lambda w: "/hub/case-studies/?impact=policy&faculty=law",
        every(200), api=False, route="hub_case_studies"),
    Row("edit someone else's published case study", "GET", _url("case-study", "case-study/"),
        signed_in(403, 302, staff=200, superuser=200), api=False, route="hub_case_study_edit"),
    Row("save someone else's published case study", "POST", _url("case-study", "case-study/"),
        signed_in(403, 302, staff=302, superuser=302), api=False, body=EDIT_FORM,
        route="hub_case_study_edit"),
    Row("edit someone else's draft case study", "GET", _url("case-study-draft", "case-study/"),
        STAFF_ONLY, api=False, route="hub_case_study_edit"),
    Row("print a published case study", "GET", _url("case-study", "print/"), every(200),
        api=False, route="hub_case_study_print"),
    Row("print someone else's draft case study", "GET", _url("case-study-draft", "print/"),
        STAFF_ONLY, api=False, route="hub_case_study_print"),
    Row("export a published case study", "GET", _url("case-study", "export.html"), every(200),
        api=False, route="hub_case_study_export"),
    Row("export someone else's draft case study", "GET", _url("case-study-draft", "export.html"),
        STAFF_ONLY, api=False, route="hub_case_study_export"),
]
# fmt: on
