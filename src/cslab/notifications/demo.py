"""Demo notification preferences: `volunteer@` reads updates on research questions in a daily
digest and gets the hub's digests in the app only; every other category keeps the default (in
the app, and by e-mail at once).

Stored through the ORM, keyed by the unique (person, category): a second load adds nothing.
"""

from __future__ import annotations

from cslab.accounts.models import User
from cslab.core.demo import DemoLogin
from cslab.notifications.models import NotificationPreference
from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory

VOLUNTEER = "volunteer@demo.cslab.test"

# (person, category, in the app, e-mail)
PREFERENCES: tuple[tuple[str, str, bool, str], ...] = (
    (VOLUNTEER, NotificationCategory.QUESTION_UPDATES, True, EmailFrequency.DAILY),
    (VOLUNTEER, NotificationCategory.DIGESTS, True, EmailFrequency.OFF),
)


def load_demo_notification_preferences() -> list[DemoLogin]:
    """Store the demo notification preferences that are missing."""
    people = {
        user.email: user
        for user in User.objects.filter(email__in={email for email, *_rest in PREFERENCES})
    }
    stored = set(
        NotificationPreference.objects.filter(user__in=people.values()).values_list(
            "user__email", "category"
        )
    )
    NotificationPreference.objects.bulk_create(
        NotificationPreference(
            user=people[email], category=category, in_app=in_app, email=frequency
        )
        for email, category, in_app, frequency in PREFERENCES
        if email in people and (email, category) not in stored
    )
    return []
