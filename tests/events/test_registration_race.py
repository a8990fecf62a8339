"""Races on PostgreSQL: 50 people registering for 10 seats at once, and cancellations at once.

The seats are decided by one conditional UPDATE of the event row, so the database (not the
code's view of it) decides: exactly 10 places, 40 on the waiting list, counters equal to rows.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from cslab.events.models import Event, Registration
from cslab.events.services.registrations import registration_cancel, registration_create
from tests.events.factories import make_event
from tests.factories import UserFactory

Status = Registration.Status


def run_at_once(functions: list[Callable[[], Any]]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(functions))

    def run(function: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            function()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def assert_counters_match_rows(event: Event) -> None:
    event.refresh_from_db()
    rows = Registration.objects.filter(event=event)
    assert event.registered_count == rows.filter(status=Status.REGISTERED).count()
    assert event.waitlist_count == rows.filter(status=Status.WAITLISTED).count()


@pytest.mark.postgresql  # concurrent transactions: deselected in the SQLite run
@pytest.mark.django_db(transaction=True)
def test_fifty_people_registering_at_once_for_ten_seats() -> None:
    event = make_event(capacity=10)
    people = [UserFactory() for _ in range(50)]
    errors = run_at_once(
        [lambda person=person: registration_create(actor=person, event=event) for person in people]
    )
    assert errors == []
    rows = Registration.objects.filter(event=event)
    assert rows.filter(status=Status.REGISTERED).count() == 10
    assert rows.filter(status=Status.WAITLISTED).count() == 40
    assert_counters_match_rows(event)
    assert (event.registered_count, event.waitlist_count) == (10, 40)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_person_registering_twice_at_once_gets_one_registration() -> None:
    event = make_event(capacity=10)
    person = UserFactory()
    errors = run_at_once([lambda: registration_create(actor=person, event=event)] * 5)
    assert len(errors) == 4
    assert Registration.objects.filter(event=event, user=person).count() == 1
    assert_counters_match_rows(event)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_each_waitlisted_person_once() -> None:
    event = make_event(capacity=10)
    people = [UserFactory() for _ in range(20)]
    registrations = [registration_create(actor=person, event=event) for person in people]
    placed = [r for r in registrations if r.status == Status.REGISTERED]
    waiting = [r for r in registrations if r.status == Status.WAITLISTED]
    assert (len(placed), len(waiting)) == (10, 10)
    # Eight people with a place cancel at once: the first eight waiting move up, once each.
    errors = run_at_once(
        [lambda r=r: registration_cancel(actor=r.user, registration=r) for r in placed[:8]]
    )
    assert errors == []
    promoted = Registration.objects.filter(event=event, promoted_at__isnull=False)
    assert sorted(promoted.values_list("pk", flat=True)) == sorted(r.pk for r in waiting[:8])
    assert Registration.objects.filter(event=event, status=Status.REGISTERED).count() == 10
    assert_counters_match_rows(event)
    assert (event.registered_count, event.waitlist_count) == (10, 2)
