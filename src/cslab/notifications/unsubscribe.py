"""The signed tokens of the unsubscribe links in notification e-mails.

A token carries a person's id and the categories its link stops e-mail for, signed with the
site's secret under a salt of its own (so no other signed value of the site can pass for one).
It does not expire: a link in a year-old e-mail must still work. It is no secret to the
person who holds it, and it can do one thing only, turning e-mail off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.site import site_absolute_url
from cslab.notifications.vocabulary import NotificationCategory

SALT = "cslab.notifications.unsubscribe"
# Far more than any real token (a few categories); a longer one is refused before unsigning.
MAX_TOKEN_LENGTH = 500


def unsubscribe_token(user: Any, categories: Iterable[str]) -> str:
    """The token that turns off e-mail of `categories` for `user`."""
    return signing.dumps({"u": user.pk, "c": sorted(set(categories))}, salt=SALT, compress=True)


def unsubscribe_url(user: Any, categories: Iterable[str]) -> str:
    """The absolute address of the unsubscribe page of `categories` for `user`."""
    token = unsubscribe_token(user, categories)
    return site_absolute_url(reverse("notification_unsubscribe", kwargs={"token": token}))


def unsubscribe_token_read(token: str) -> tuple[int, list[str]]:
    """Return the person's id and the categories of a token; raise InvalidInputError if the
    token is damaged, forged or names no known category."""
    invalid = unsubscribe_link_invalid_error()
    if len(token) > MAX_TOKEN_LENGTH:
        raise invalid
    try:
        payload = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise invalid from None
    if not isinstance(payload, dict):
        raise invalid
    user_id, categories = payload.get("u"), payload.get("c")
    if (
        not isinstance(user_id, int)
        or not isinstance(categories, list)
        or not categories
        or any(category not in NotificationCategory.values for category in categories)
    ):
        raise invalid
    return user_id, [str(category) for category in categories]


def unsubscribe_link_invalid_error() -> InvalidInputError:
    """The one answer to every link that cannot be used, whatever the reason."""
    return InvalidInputError(
        _("This unsubscribe link is not valid. It may have been cut off in your e-mail."),
        code=ProblemCode.UNSUBSCRIBE_LINK_INVALID,
    )
