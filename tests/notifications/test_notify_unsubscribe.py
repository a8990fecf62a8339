"""The unsubscribe link of a notification e-mail: works without signing in, a GET changes
nothing, a POST (the page's button or a mail program's one-click) turns that e-mail off."""

from typing import Any

import pytest
from django.core import signing

from cslab.notifications.models import NotificationPreference
from cslab.notifications.selectors import notification_email_allowed
from cslab.notifications.unsubscribe import SALT, unsubscribe_token, unsubscribe_url
from cslab.notifications.vocabulary import NotificationCategory

pytestmark = pytest.mark.django_db

QUESTIONS = NotificationCategory.QUESTION_UPDATES


def path_of(person: Any, categories: list[str] | None = None) -> str:
    url = unsubscribe_url(person, categories or [QUESTIONS])
    return url[url.index("/notifications/") :]


def test_opening_the_link_shows_a_confirmation_and_changes_nothing(
    client: Any, make_user: Any
) -> None:
    person = make_user()
    response = client.get(path_of(person))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Updates on research questions" in page
    assert 'method="post"' in page
    assert not NotificationPreference.objects.exists()


def test_the_button_turns_that_categorys_email_off_and_keeps_the_app(
    client: Any, make_user: Any
) -> None:
    person = make_user()
    response = client.post(path_of(person))
    assert response.status_code == 200
    assert "no more e-mails" in response.content.decode()
    preference = NotificationPreference.objects.get(user=person)
    assert (preference.category, preference.email, preference.in_app) == (QUESTIONS, "off", True)
    assert notification_email_allowed(person, NotificationCategory.PROJECT_NEWS)


def test_a_mail_programs_one_click_post_unsubscribes_at_once_without_a_cookie(
    make_user: Any,
) -> None:
    from django.test import Client

    person = make_user()
    categories = [QUESTIONS, NotificationCategory.PROJECT_NEWS]
    response = Client(enforce_csrf_checks=True).post(
        path_of(person, categories), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not notification_email_allowed(person, QUESTIONS)
    assert not notification_email_allowed(person, NotificationCategory.PROJECT_NEWS)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_token_answers_a_clear_400_page(
    client: Any, make_user: Any, method: str
) -> None:
    person = make_user()
    token = unsubscribe_token(person, [QUESTIONS])
    forged = signing.dumps({"u": person.pk, "c": [QUESTIONS]}, salt="another salt")
    for bad in [token[:-3] + "abc", forged, "x" * 2000, "%00", token + ":"]:
        response = getattr(client, method)(f"/notifications/unsubscribe/{bad}/")
        assert response.status_code == 400, bad
        assert "not valid" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_token_of_an_unknown_category_or_a_gone_person_is_refused(
    client: Any, make_user: Any
) -> None:
    person = make_user()
    unknown = signing.dumps({"u": person.pk, "c": ["spam"]}, salt=SALT, compress=True)
    assert client.post(f"/notifications/unsubscribe/{unknown}/").status_code == 400
    gone = make_user(is_active=False)
    assert client.post(path_of(gone)).status_code == 400
    assert not NotificationPreference.objects.exists()
