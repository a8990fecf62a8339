"""Matrix rows of invitations addressed to the viewer: only the invited address may accept.

The rows in `tests/permission_matrix.py` use invitations sent to someone else's address; these
send one to the viewer's own (verified) address, made when the row's URL or body is built.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from cslab.projects.models import Invitation
from cslab.projects.selectors.team import token_hash
from tests.permission_matrix import Row, World, on_team, signed_in


def _own_invitation(world: World, project: Any, kind: str) -> str:
    """Return the token of an invitation of the viewer to `project` (anonymous: a dummy)."""
    if world.viewer is None:
        return f"matrix-{kind}-nobody"
    token = f"matrix-{kind}-{world.viewer.pk}"
    Invitation.objects.get_or_create(
        token_hash=token_hash(token),
        defaults={
            "project": project,
            "email": world.viewer.email.upper(),
            "role": "member",
            "expires_at": timezone.now() + timedelta(days=7),
        },
    )
    return token


# fmt: off
ROWS: list[Row] = [
    Row("accept my own invitation to a public project (API)", "POST",
        lambda w: "/api/v1/invitations/accept", signed_in(201, 401),
        body=lambda w: {"token": _own_invitation(w, w.public_project, "api-public")},
        route="/api/v1/invitations/accept"),
    Row("accept my own invitation to a team one is on (API)", "POST",
        lambda w: "/api/v1/invitations/accept", on_team(409, 201, anonymous=401),
        body=lambda w: {"token": _own_invitation(w, w.team_project, "api-team")},
        route="/api/v1/invitations/accept"),
    Row("my own invitation to a public project", "GET",
        lambda w: f"/invitations/{_own_invitation(w, w.public_project, 'page-public')}/",
        signed_in(200, 404), api=False, route="invitation_accept"),
    Row("accept my own invitation to a public project", "POST",
        lambda w: f"/invitations/{_own_invitation(w, w.public_project, 'page-accept')}/",
        signed_in(302, 404), api=False, route="invitation_accept"),
    Row("accept my own invitation to a team one is on", "POST",
        lambda w: f"/invitations/{_own_invitation(w, w.team_project, 'page-team')}/",
        on_team(409, 302, anonymous=404), api=False, route="invitation_accept"),
]
# fmt: on
