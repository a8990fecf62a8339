"""Consent under concurrent requests (PostgreSQL): one draft and one number when a team starts
a version twice at once, one current record when a person consents twice at once."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from cslab.consent.models import ConsentRecord, ConsentVersion
from cslab.consent.services.consent import consent_give
from cslab.consent.services.versions import consent_version_create_draft
from cslab.projects.models import Project
from tests.consent.factories import make_consent_version
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def at_once(count: int, call: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            result = call()
            with lock:
                results.append(result)
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_a_team_starting_the_next_version_at_once_gets_one_draft_with_one_number() -> None:
    project: Project = ProjectFactory(public=True)
    make_consent_version(project)
    results, errors = at_once(
        8, lambda: consent_version_create_draft(actor=project.initiator, project=project)
    )
    assert errors == []
    drafts = ConsentVersion.objects.filter(project=project, published_at__isnull=True)
    assert drafts.count() == 1 and drafts.get().number == 2
    assert {draft.pk for draft, _created in results} == {drafts.get().pk}
    assert sum(created for _draft, created in results) == 1


def test_a_double_click_on_consent_stores_one_current_record() -> None:
    project: Project = ProjectFactory(public=True)
    version = make_consent_version(project)
    volunteer = UserFactory()
    results, errors = at_once(
        10,
        lambda: consent_give(
            actor=volunteer, project=project, version_number=version.number, language="en"
        ),
    )
    assert errors == []
    current = ConsentRecord.objects.filter(participant=volunteer, superseded_at__isnull=True)
    assert current.count() == 1
    assert {record.pk for record in results} == {current.get().pk}
