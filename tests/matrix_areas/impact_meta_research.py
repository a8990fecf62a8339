"""Matrix rows of issue 15 item 7 (part "metaresearch"): the meta-research feed.

Lab staff (and superusers) list exports, start one and download a ready one; everyone else,
project teams included, gets 404 (401 from the API without credentials). `build` adds an
expired export, whose download is 404 for everyone, staff included.
"""

from datetime import timedelta

from django.utils import timezone

from cslab.impact.models import MetaResearchExport
from tests.permission_matrix import STAFF, SUPERUSER, Row, World, every, signed_in


def build(world: World) -> None:
    world.extra["expired-meta-research-export"] = MetaResearchExport.objects.create(
        status=MetaResearchExport.Status.READY,
        file_name="exports/meta-research/matrix.zip",
        expires_at=timezone.now() - timedelta(hours=1),
    )


def _expired_download(world: World) -> str:
    export = world.extra["expired-meta-research-export"]
    return f"/impact/meta-research/{export.pk}/download/"


STAFF_ONLY = every(404, **{STAFF: 200, SUPERUSER: 200})

# fmt: off
ROWS: list[Row] = [
    Row("meta-research feed", "GET", lambda w: "/impact/meta-research/", STAFF_ONLY,
        api=False, route="meta_research_exports"),
    Row("start a meta-research export", "POST", lambda w: "/impact/meta-research/",
        every(404, **{STAFF: 302, SUPERUSER: 302}), api=False, route="meta_research_exports",
        body={"start": "2025-01-01"}),
    Row("download an expired meta-research export", "GET", _expired_download, every(404),
        api=False, route="meta_research_export_download"),
    Row("meta-research exports (API)", "GET", lambda w: "/api/v1/impact/meta-research-exports",
        signed_in(404, 401, **{STAFF: 200, SUPERUSER: 200}),
        route="/api/v1/impact/meta-research-exports"),
    Row("start a meta-research export (API)", "POST",
        lambda w: "/api/v1/impact/meta-research-exports",
        signed_in(404, 401, **{STAFF: 202, SUPERUSER: 202}), body={"start": "2025-01-01"},
        route="/api/v1/impact/meta-research-exports"),
]
# fmt: on
