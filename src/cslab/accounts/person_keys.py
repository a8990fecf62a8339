"""An opaque key per person, for the web form's storage on shared devices.

The web form keeps drafts and an outbox in the browser. On a shared phone or library computer
several people sign in one after the other, so that storage is kept per person, under this
key, and each outbox item carries the key of whoever saved it (`queued_by`). The server
refuses an item whose key is not the signed-in person's, so one person's unsent work is never
stored as another's, even when an old script sends it. The key is an HMAC of the user's id
with the site's secret: stable across sessions (the work is sent when its author signs in
again), meaningless to anyone reading the page, and not the e-mail address.
"""

import hmac

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cslab.core.actors import Actor
from cslab.core.errors import PermissionDeniedError
from cslab.core.problems import ProblemCode

ANONYMOUS_KEY = "anonymous"


def person_key(user: Actor) -> str:
    """Return the person's opaque key ("anonymous" for visitors who are not signed in)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS_KEY
    return "p-" + salted_hmac("cslab.accounts.person_key", str(user.pk)).hexdigest()[:32]


def require_queued_by(*, user: Actor, queued_by: str | None) -> None:
    """Refuse work saved on a device by someone other than the signed-in person.

    Requests without the key (scripts, ODK clients, older pages) are not affected.
    """
    if queued_by is None or hmac.compare_digest(queued_by.encode(), person_key(user).encode()):
        return
    raise PermissionDeniedError(
        _(
            "This was saved on this device by someone else. Sign in as that person to send "
            "it; nothing was stored."
        ),
        code=ProblemCode.QUEUED_BY_SOMEONE_ELSE,
    )
