"""Each person's choice per category decides whether a notification shows in the app and
whether it is e-mailed at once, in the daily digest, or not at all."""

from typing import Any

import pytest
from django.apps import apps
from django.utils.translation import gettext_noop

from cslab.notifications import selectors
from cslab.notifications.models import Notification, NotificationPreference
from cslab.notifications.selectors import CategoryPreference
from cslab.notifications.services.notifications import notification_send
from cslab.notifications.services.preferences import notification_preferences_update
from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory

pytestmark = pytest.mark.django_db

ANSWERED = gettext_noop("The question “%(question)s” has been answered.")


def choose(person: Any, category: str, *, in_app: bool = True, email: str = "immediate") -> None:
    notification_preferences_update(
        actor=person,
        choices=[CategoryPreference(category=category, in_app=in_app, email=email)],
    )


def tell(people: list[Any], kind: str = "question.answer", **fields: Any) -> list[Notification]:
    return notification_send(
        recipients=people, kind=kind, message=ANSWERED, params={"question": "Why?"}, **fields
    )


def test_a_notification_stores_the_category_of_its_kind(make_user: Any) -> None:
    person = make_user()
    (question,) = tell([person], kind="question.answer")
    (moderation,) = tell([person], kind="observation.moderated")
    (other,) = tell([person], kind="training.certificate")
    assert question.category == NotificationCategory.QUESTION_UPDATES
    assert moderation.category == NotificationCategory.MODERATION_RESULTS
    assert other.category == NotificationCategory.OTHER


def test_by_default_a_notification_shows_in_the_app_and_is_emailed_at_once(
    make_user: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = tell([person])
    assert [message.to for message in mailoutbox] == [[person.email]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert list(selectors.notification_list_for_user(user=person)) == [notification]


def test_the_preference_is_honoured_per_category(
    make_user: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    quiet, daily, eager = make_user(), make_user(), make_user()
    choose(quiet, NotificationCategory.QUESTION_UPDATES, email=EmailFrequency.OFF)
    choose(daily, NotificationCategory.QUESTION_UPDATES, email=EmailFrequency.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        tell([quiet, daily, eager], kind="question.comment")
        # Another category: the "never" for question updates does not touch it.
        tell([quiet], kind="observation.moderated")
    assert sorted(message.to[0] for message in mailoutbox) == sorted([eager.email, quiet.email])
    # The daily one waits for the digest, not yet e-mailed; all three see it in the app.
    waiting = Notification.objects.get(recipient=daily)
    assert waiting.emailed_at is None
    assert selectors.notification_unread_count(user=quiet) == 2


def test_a_category_hidden_from_the_app_is_not_in_the_inbox_but_still_emailed(
    make_user: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user()
    choose(person, NotificationCategory.QUESTION_UPDATES, in_app=False)
    with django_capture_on_commit_callbacks(execute=True):
        tell([person], kind="question.comment")
        (shown,) = tell([person], kind="project.approved")
    assert len(mailoutbox) == 2
    assert list(selectors.notification_list_for_user(user=person)) == [shown]
    assert selectors.notification_unread_count(user=person) == 1


def test_nothing_is_stored_when_the_person_chose_neither_app_nor_email(
    make_user: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    person, other = make_user(), make_user()
    choose(person, NotificationCategory.QUESTION_UPDATES, in_app=False, email=EmailFrequency.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        sent = tell([person, other], kind="question.comment")
    assert [notification.recipient_id for notification in sent] == [other.pk]
    assert not Notification.objects.filter(recipient=person).exists()
    assert [message.to for message in mailoutbox] == [[other.email]]


def test_a_notification_whose_sender_emails_itself_is_never_repeated_in_a_digest(
    make_user: Any,
) -> None:
    person = make_user()
    choose(person, NotificationCategory.EVENT_REMINDERS, email=EmailFrequency.DAILY)
    (notification,) = tell([person], kind="events.registration.promoted", email=False)
    assert notification.emailed_at is not None


def test_an_immediate_email_carries_a_one_click_unsubscribe_for_its_category(
    make_user: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        tell([person], kind="question.comment")
    (message,) = mailoutbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and "/notifications/unsubscribe/" in header
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header.strip("<>") in message.body
    assert "/notifications/preferences/" in message.body


def test_an_email_claimed_once_is_not_sent_again(
    make_user: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tell([person])
    for callback in callbacks * 2:
        callback()
    assert len(mailoutbox) == 1


def test_saving_preferences_twice_keeps_one_row_per_category(make_user: Any) -> None:
    person = make_user()
    choose(person, NotificationCategory.DIGESTS, email=EmailFrequency.DAILY)
    choose(person, NotificationCategory.DIGESTS, in_app=False, email=EmailFrequency.OFF)
    (row,) = NotificationPreference.objects.filter(user=person)
    assert (row.category, row.in_app, row.email) == ("digests", False, "off")
    listed = {
        choice.category: choice for choice in selectors.notification_preference_list(user=person)
    }
    assert listed["digests"].email == "off"
    assert listed["project_news"].is_default


def test_the_email_helper_refuses_only_never(make_user: Any) -> None:
    person = make_user()
    assert selectors.notification_email_allowed(person, NotificationCategory.DIGESTS)
    choose(person, NotificationCategory.DIGESTS, email=EmailFrequency.DAILY)
    assert selectors.notification_email_allowed(person, NotificationCategory.DIGESTS)
    choose(person, NotificationCategory.DIGESTS, email=EmailFrequency.OFF)
    assert not selectors.notification_email_allowed(person, NotificationCategory.DIGESTS)
    assert selectors.notification_email_allowed(person, NotificationCategory.EVENT_REMINDERS)


def test_the_data_migration_gives_old_notifications_the_category_of_their_kind(
    make_user: Any,
) -> None:
    from importlib import import_module

    migration = import_module("cslab.notifications.migrations.0003_fill_notification_categories")
    person = make_user()
    for kind in ["question.comment", "hub.digest.weekly", "events.cancelled", "training.x"]:
        Notification.objects.create(recipient=person, kind=kind, message="Old.")
    migration.fill_categories(apps, None)
    assert dict(Notification.objects.values_list("kind", "category")) == {
        "question.comment": "question_updates",
        "hub.digest.weekly": "digests",
        "events.cancelled": "event_reminders",
        "training.x": "other",
    }
