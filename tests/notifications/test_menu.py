"""The main menu tells a signed-in person how many notifications are unread."""

from typing import Any

import pytest

from cslab.notifications.services.notifications import notification_send

pytestmark = pytest.mark.django_db


def test_the_menu_shows_how_many_notifications_are_unread(client: Any, volunteer: Any) -> None:
    notification_send(recipients=[volunteer], kind="test", message="One.", email=False)
    notification_send(recipients=[volunteer], kind="test", message="Two.", email=False)
    client.force_login(volunteer)
    page = client.get("/").content.decode()
    assert '<span class="badge">2<span class="visually-hidden"> unread</span></span>' in page


def test_no_badge_when_everything_is_read(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    assert 'class="badge"' not in client.get("/").content.decode()
