"""The weekly digest: the right new items per person, in their language, once per week."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from cslab.core.errors import InvalidInputError
from cslab.core.models import Job
from cslab.hub.digest import DigestItem, DigestSection, register_digest_section
from cslab.hub.digest import _sections as registered_sections
from cslab.hub.models import DigestDelivery, Resource
from cslab.hub.services.digest import digest_last_full_week, digest_send_week
from cslab.hub.services.subscriptions import subscription_follow
from cslab.hub.vocabulary import ResourceKind
from tests.hub.factories import make_resource

pytestmark = [pytest.mark.django_db]

WEEK = date(2026, 11, 23)  # a Monday
IN_WEEK = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def published(title: str, when: datetime = IN_WEEK, **fields: Any) -> Resource:
    resource = make_resource(title=title, **fields)
    Resource.objects.filter(pk=resource.pk).update(published_at=when)
    resource.refresh_from_db()
    return resource


def send(week: date = WEEK, capture: Any = None) -> Any:
    with capture(execute=True):
        return digest_send_week(week_start=week)


def test_each_person_gets_the_new_items_of_their_searches(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    bats_fan = make_user(email="bats@example.org")
    tools_fan = make_user(email="tools@example.org")
    subscription_follow(actor=bats_fan, query="q=bats")
    subscription_follow(actor=tools_fan, query="kind=tool")
    published("Counting bats at dusk", summary="Bats along canals.")
    published("A bat detector app", kind=ResourceKind.TOOL)
    published("Frog ponds", summary="Frogs.")

    run = send(capture=django_capture_on_commit_callbacks)

    assert (run.people, run.sent) == (2, 2)
    by_address = {message.to[0]: message for message in mail.outbox}
    bats_mail = by_address["bats@example.org"]
    tools_mail = by_address["tools@example.org"]
    assert "Counting bats at dusk" in bats_mail.body
    assert "Frog ponds" not in bats_mail.body
    assert "A bat detector app" in tools_mail.body
    assert "Counting bats at dusk" not in tools_mail.body
    # Links to each resource and each followed search, absolute, and the unsubscribe links.
    resource = Resource.objects.get(title="Counting bats at dusk")
    assert f"http://testserver{resource.get_absolute_url()}" in bats_mail.body or (
        resource.get_absolute_url() in bats_mail.body
    )
    assert "/hub/?q=bats" in bats_mail.body
    assert "/hub/unsubscribe/" in bats_mail.body
    html, mime = bats_mail.alternatives[0]
    assert mime == "text/html" and "Counting bats at dusk" in html
    assert bats_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert bats_mail.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/hub/unsubscribe/" in bats_mail.extra_headers["List-Unsubscribe"]


def test_the_digest_is_written_in_the_persons_language(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dutch = make_user(email="nl@example.org", preferred_language="nl")
    english = make_user(email="en@example.org", preferred_language="en")
    for person in (dutch, english):
        subscription_follow(actor=person, query="q=bats")
    published("Bats")
    send(capture=django_capture_on_commit_callbacks)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "Nieuw in de kennisbank" in by_address["nl@example.org"].subject
    assert "Hallo" in by_address["nl@example.org"].body
    assert "New in the knowledge hub" in by_address["en@example.org"].subject
    assert "Hello" in by_address["en@example.org"].body


def test_nothing_new_means_no_email(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscription_follow(actor=make_user(), query="q=bats")
    published("Frogs")
    run = send(capture=django_capture_on_commit_callbacks)
    assert (run.sent, run.nothing_new) == (0, 1)
    assert mail.outbox == []
    assert not DigestDelivery.objects.exists()


def test_a_rerun_of_the_same_week_sends_nothing_more(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscription_follow(actor=make_user(), query="q=bats")
    published("Bats")
    send(capture=django_capture_on_commit_callbacks)
    again = send(capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert (again.sent, again.already_sent) == (0, 1)
    assert DigestDelivery.objects.get().item_count == 1


@pytest.mark.parametrize(
    "status", [Resource.Status.DRAFT, Resource.Status.SUBMITTED, Resource.Status.RETIRED]
)
def test_an_unlisted_resource_is_never_in_a_digest(
    make_user: Any, django_capture_on_commit_callbacks: Any, status: str
) -> None:
    subscription_follow(actor=make_user(), query="q=bats")
    resource = make_resource(title="Hidden bats", status=status)
    Resource.objects.filter(pk=resource.pk).update(published_at=IN_WEEK)
    send(capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_the_week_runs_monday_to_sunday_in_amsterdam(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscription_follow(actor=make_user(), query="q=bats")
    # 23:30 UTC on Sunday 22 November is 00:30 on Monday in Amsterdam: in the week.
    published("First bats", when=datetime(2026, 11, 22, 23, 30, tzinfo=UTC))
    # 23:30 UTC on Sunday 29 November is Monday 30 November in Amsterdam: the next week.
    published("Next week bats", when=datetime(2026, 11, 29, 23, 30, tzinfo=UTC))
    published("Last week bats", when=datetime(2026, 11, 22, 22, 30, tzinfo=UTC))
    send(capture=django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "First bats" in message.body
    assert "Next week bats" not in message.body and "Last week bats" not in message.body


def test_a_person_who_unsubscribed_gets_none(
    make_user: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscription = subscription_follow(actor=make_user(), query="q=bats")
    client.post(f"/hub/unsubscribe/{subscription.token}/", {"stop": "all"})
    published("Bats")
    run = send(capture=django_capture_on_commit_callbacks)
    assert run.people == 0 and mail.outbox == []


def test_new_case_studies_have_their_own_section_once(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscription_follow(actor=make_user(), query="q=bats")
    published("Bats in the city: a case study", kind=ResourceKind.CASE_STUDY)
    send(capture=django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "New case studies" in message.body
    assert message.body.count("Bats in the city: a case study") == 1


def test_a_registered_section_joins_the_digest(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def events(user: Any, start: date, end: date) -> DigestSection:
        return DigestSection(
            name="events",
            title="Coming events",
            items=(DigestItem(title=f"Webinar from {start} to {end}", url="https://e.org/1"),),
        )

    subscription_follow(actor=make_user(), query="q=bats")
    register_digest_section("events", events)
    try:
        send(capture=django_capture_on_commit_callbacks)
    finally:
        registered_sections.pop("events")
    (message,) = mail.outbox
    assert "Coming events" in message.body
    assert "Webinar from 2026-11-23 to 2026-11-30" in message.body


def test_a_week_must_start_on_a_monday() -> None:
    with pytest.raises(InvalidInputError):
        digest_send_week(week_start=date(2026, 11, 24))


def test_the_last_full_week_is_the_monday_before_last() -> None:
    # Monday 30 November 2026, 00:30 in Amsterdam (23:30 UTC the day before).
    assert digest_last_full_week(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)) == WEEK
    assert digest_last_full_week(datetime(2026, 12, 6, 12, 0, tzinfo=UTC)) == WEEK


def test_the_command_starts_the_job_that_sends_the_digest(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscription_follow(actor=make_user(), query="q=bats")
    published("Bats")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("hub_digest", "--week", "2026-11-26")
    job = Job.objects.get(kind="hub.weekly_digest")
    assert job.arguments == {"week_start": "2026-11-23"}
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["sent"] == 1 and job.progress == 100
    assert len(mail.outbox) == 1
