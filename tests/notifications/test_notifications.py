"""Notifications: sent once per person, stored untranslated, read in one's own language."""

from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop

from cslab.core.errors import NotFoundError
from cslab.notifications import selectors
from cslab.notifications.models import Notification
from cslab.notifications.models.notification import render_message
from cslab.notifications.services.notifications import (
    notification_mark_all_read,
    notification_mark_read,
    notification_send,
)

pytestmark = pytest.mark.django_db

MESSAGE = gettext_noop("The question “%(question)s” has been answered.")


def _send(recipients: list[Any], actor: Any = None, **fields: Any) -> list[Notification]:
    return notification_send(
        recipients=recipients,
        kind="question.answer",
        message=MESSAGE,
        params={"question": "Why is the sky blue?"},
        url="/questions/1/",
        actor=actor,
        **fields,
    )


def test_each_person_is_told_once_and_not_about_their_own_doing(make_user: Any) -> None:
    first, second, actor, gone = make_user(), make_user(), make_user(), make_user(is_active=False)
    sent = _send([first, second, first, actor, gone, None], actor=actor)
    assert sorted(n.recipient_id for n in sent) == sorted([first.pk, second.pk])
    assert Notification.objects.count() == 2


def test_nobody_left_to_tell_writes_nothing(make_user: Any) -> None:
    actor = make_user()
    assert _send([actor], actor=actor) == []
    assert not Notification.objects.exists()


def test_emails_go_out_after_commit_in_each_persons_language(
    make_user: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    english, dutch = make_user(preferred_language="en"), make_user(preferred_language="nl")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send([english, dutch])
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert sorted(message.to[0] for message in mailoutbox) == sorted([english.email, dutch.email])
    assert all("Why is the sky blue?" in message.body for message in mailoutbox)
    assert all("/questions/1/" in message.body for message in mailoutbox)


def test_no_email_when_asked_not_to(
    make_user: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _send([make_user()], email=False)
    assert mailoutbox == []


def test_the_message_is_rendered_in_the_active_language_with_its_parameters(
    make_user: Any,
) -> None:
    (notification,) = _send([make_user()])
    with translation.override("en"):
        assert notification.render() == "The question “Why is the sky blue?” has been answered."
    assert notification.message == MESSAGE  # stored untranslated


def test_a_message_whose_parameters_do_not_fit_falls_back_to_the_text() -> None:
    assert render_message("Hello %(name)s", {}) == "Hello %(name)s"
    assert render_message("Hello %(name)s", {"name": "Anna"}) == "Hello Anna"


def test_marking_read_is_idempotent_and_only_for_the_recipient(make_user: Any) -> None:
    person, other = make_user(), make_user()
    (notification,) = _send([person])
    with pytest.raises(NotFoundError):
        notification_mark_read(actor=other, notification=notification)
    notification_mark_read(actor=person, notification=notification)
    first_read = Notification.objects.get(pk=notification.pk).read_at
    notification_mark_read(actor=person, notification=notification)
    assert first_read is not None
    assert Notification.objects.get(pk=notification.pk).read_at == first_read


def test_the_unread_count_and_mark_all_read(make_user: Any) -> None:
    person = make_user()
    _send([person])
    _send([person])
    assert selectors.notification_unread_count(user=person) == 2
    assert notification_mark_all_read(actor=person) == 2
    assert selectors.notification_unread_count(user=person) == 0
    assert selectors.notification_list_for_user(user=person, unread_only=True).count() == 0


def test_someone_elses_notification_is_not_found(make_user: Any) -> None:
    (notification,) = _send([make_user()])
    with pytest.raises(NotFoundError):
        selectors.notification_get_for_managing(user=make_user(), notification_id=notification.pk)
