"""The attendee export: organisers only, e-mail only with contact consent, no formulas, audited."""

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from cslab.core.models import AuditEvent
from cslab.events.models import Event, Registration
from cslab.events.services.attendance import csv_safe
from tests.events.factories import make_event, make_registration

pytestmark = pytest.mark.django_db


def _rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+31 20", "'+31 20"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Vegan", "Vegan"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(cell: str, expected: str) -> None:
    assert csv_safe(cell) == expected


def test_export_gives_e_mail_only_with_consent_and_neutralises_formulas(
    client: Any, trainer: Any, make_user: Any
) -> None:
    event = make_event(created_by=trainer, capacity=1)
    consenting = make_user(display_name="Ada", email="ada@example.org")
    private = make_user(display_name="=cmd|' /C calc'!A0", email="secret@example.org")
    make_registration(event=event, user=consenting, contact_consent=True, dietary_needs="-vegan")
    make_registration(event=event, user=private, status=Registration.Status.WAITLISTED)
    client.force_login(trainer)
    response = client.get(reverse("event_attendees_csv", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert rows[0][:3] == ["name", "e-mail", "status"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Ada"][1] == "ada@example.org"
    assert by_name["Ada"][7] == "'-vegan"
    assert "secret@example.org" not in response.content.decode()
    waiting = by_name["'=cmd|' /C calc'!A0"]
    assert waiting[1] == ""
    assert waiting[4] == "1"
    assert AuditEvent.objects.filter(action="event.attendees_exported").count() == 1


def test_export_is_403_for_a_participant_and_404_for_a_hidden_event(
    client: Any, trainer: Any, volunteer: Any
) -> None:
    published = make_event(created_by=trainer)
    draft = make_event(created_by=trainer, status=Event.Status.DRAFT)
    make_registration(event=published, user=volunteer)
    client.force_login(volunteer)
    assert (
        client.get(reverse("event_attendees_csv", kwargs={"slug": published.slug})).status_code
        == 403
    )
    assert (
        client.get(reverse("event_attendees_csv", kwargs={"slug": draft.slug})).status_code == 404
    )
    assert not AuditEvent.objects.filter(action="event.attendees_exported").exists()
