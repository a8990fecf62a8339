"""Writing a person's notification preferences: from their page, the API, or an e-mail's
unsubscribe link."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.notifications.models import NotificationPreference
from cslab.notifications.selectors import CategoryPreference, notification_preference_list
from cslab.notifications.unsubscribe import unsubscribe_link_invalid_error, unsubscribe_token_read
from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory


@transaction.atomic
def notification_preferences_update(
    *, actor: Actor, choices: Iterable[CategoryPreference]
) -> list[CategoryPreference]:
    """Store the actor's choices (categories not named keep theirs); return all categories.

    One insert-or-update on the unique (person, category) pair: two saves at once cannot
    make two rows. A category named twice keeps its last choice.
    """
    permissions.require(actor, "notification.preference.manage")
    assert isinstance(actor, User)  # noqa: S101 (the rule admits signed-in people only)
    by_category: dict[str, CategoryPreference] = {}
    for choice in choices:
        if choice.category not in NotificationCategory.values:
            raise InvalidInputError(
                f"Unknown notification category {choice.category[:50]!r}.",
                code=ProblemCode.NOTIFICATION_CATEGORY_UNKNOWN,
            )
        by_category[choice.category] = choice
    rows = []
    for choice in by_category.values():
        row = NotificationPreference(
            user=actor, category=choice.category, in_app=choice.in_app, email=choice.email
        )
        row.full_clean(validate_unique=False, validate_constraints=False)
        rows.append(row)
    if rows:
        NotificationPreference.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["user", "category"],
            update_fields=["in_app", "email", "updated_at"],
        )
    return notification_preference_list(user=actor)


@dataclass(frozen=True)
class Unsubscription:
    """Whose e-mail of which categories an unsubscribe link is about."""

    user: User
    categories: list[str]

    @property
    def category_labels(self) -> list[str]:
        return [str(NotificationCategory(category).label) for category in self.categories]


def notification_unsubscribe_read(*, token: str) -> Unsubscription:
    """Return what an unsubscribe link is about, changing nothing (a GET of the link).

    A damaged or forged token, or one of a person who is gone, raises InvalidInputError.
    """
    user_id, categories = unsubscribe_token_read(token)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        # The same answer as a forged token: the link tells nobody whether an account exists.
        raise unsubscribe_link_invalid_error()
    return Unsubscription(user=user, categories=categories)


@transaction.atomic
def notification_unsubscribe_by_token(*, token: str) -> Unsubscription:
    """Turn e-mail off for the link's categories (the app keeps showing them).

    No sign-in: the signed token is the proof (`cslab.notifications.unsubscribe`). Doing it
    twice changes nothing more.
    """
    unsubscription = notification_unsubscribe_read(token=token)
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(
                user=unsubscription.user, category=category, email=EmailFrequency.OFF
            )
            for category in unsubscription.categories
        ],
        update_conflicts=True,
        unique_fields=["user", "category"],
        update_fields=["email", "updated_at"],
    )
    return unsubscription
