"""Matrix rows of issue 14 item 4 (part "export"): the data page, the download link and the
API of personal-data exports.

`build` adds a ready export of `other_user`. Every signed-in person may open their own data
page and start their own export; someone else's download link is 404 for everyone, superusers
included (the export is only ever its owner's).
"""

from datetime import timedelta

from django.utils import timezone

from cslab.privacy.models import PersonalDataExport
from cslab.privacy.selectors.export import personal_data_export_token, token_sha256
from tests.permission_matrix import LOGIN_REDIRECT, Row, World, signed_in


def build(world: World) -> None:
    now = timezone.now()
    export = PersonalDataExport.objects.create(
        user=world.other_user,
        token_sha256="0" * 64,
        file_path="exports/personal/matrix.zip",
        ready_at=now,
        expires_at=now + timedelta(days=7),
    )
    export.token_sha256 = token_sha256(personal_data_export_token(export))
    export.save(update_fields=["token_sha256"])
    world.extra["other-export"] = export


def _other_download(world: World) -> str:
    export = world.extra["other-export"]
    return f"/me/data/{export.pk}/download/{personal_data_export_token(export)}/"


# fmt: off
ROWS: list[Row] = [
    Row("my data page", "GET", lambda w: "/me/data/", signed_in(200, LOGIN_REDIRECT),
        api=False, route="personal_data"),
    Row("start my data export (page)", "POST", lambda w: "/me/data/",
        signed_in(302, LOGIN_REDIRECT), api=False, route="personal_data"),
    Row("download someone else's data export", "GET", _other_download,
        signed_in(404, LOGIN_REDIRECT), api=False, route="personal_data_download"),
    Row("start my data export (API)", "POST", lambda w: "/api/v1/me/data-exports",
        signed_in(202, 401), route="/api/v1/me/data-exports"),
    Row("list my data exports (API)", "GET", lambda w: "/api/v1/me/data-exports",
        signed_in(200, 401), route="/api/v1/me/data-exports"),
]
# fmt: on
