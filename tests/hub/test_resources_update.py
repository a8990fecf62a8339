"""Editing a resource: who may, in which status, and what a published edit records."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.hub.models import Resource, ResourceAuthor
from cslab.hub.services.resources import (
    AuthorInput,
    resource_create,
    resource_update,
    resource_view_count,
)
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.hub.resource_helpers import record_versions

pytestmark = pytest.mark.django_db


def draft_of(user, **fields):
    return resource_create(
        actor=user, kind="tool", title="Noise meter", summary="A cheap noise meter.", **fields
    )


def test_the_submitter_edits_a_draft_and_the_changed_fields_are_audited(volunteer):
    resource = draft_of(volunteer)
    resource_update(actor=volunteer, resource=resource, title="Noise meter kit", body="Solder.")
    resource.refresh_from_db()
    assert resource.title == "Noise meter kit"
    assert resource.slug == "noise-meter"  # addresses stay stable
    event = AuditEvent.objects.get(action="hub.resource.update")
    assert event.details["fields"] == ["body", "title"]


def test_an_edit_that_changes_nothing_records_nothing(volunteer):
    resource = draft_of(volunteer)
    resource_update(actor=volunteer, resource=resource, title="Noise meter")
    assert not AuditEvent.objects.filter(action="hub.resource.update").exists()


def test_a_linked_author_may_edit(volunteer):
    author = UserFactory()
    resource = draft_of(volunteer, authors=[AuthorInput(user_id=author.pk)])
    resource_update(actor=author, resource=resource, summary="Changed by the author.")
    resource.refresh_from_db()
    assert resource.summary == "Changed by the author."


def test_someone_else_gets_not_found_for_a_draft(volunteer):
    resource = draft_of(volunteer)
    with pytest.raises(NotFoundError):
        resource_update(actor=UserFactory(), resource=resource, title="Mine now")
    with pytest.raises(NotFoundError):
        resource_update(actor=AnonymousUser(), resource=resource, title="Mine now")


def test_someone_else_gets_forbidden_for_a_published_resource(volunteer):
    resource = make_resource(submitted_by=volunteer, status="published")
    with pytest.raises(PermissionDeniedError) as caught:
        resource_update(actor=UserFactory(), resource=resource, title="Mine now")
    assert caught.value.status == 403


@pytest.mark.parametrize("status", ["submitted", "declined", "retired"])
def test_a_resource_out_of_the_authors_hands_cannot_be_edited(volunteer, status):
    resource = make_resource(submitted_by=volunteer, status=status)
    with pytest.raises(ConflictError) as caught:
        resource_update(actor=volunteer, resource=resource, title="Sneaky")
    assert caught.value.status == 409
    resource.refresh_from_db()
    assert resource.title != "Sneaky"


def test_a_submitted_resource_says_to_withdraw_it_first(volunteer):
    resource = make_resource(submitted_by=volunteer, status="submitted")
    with pytest.raises(ConflictError, match="withdraw"):
        resource_update(actor=volunteer, resource=resource, title="Sneaky")


def test_editing_a_published_resource_records_a_version(volunteer, monkeypatch):
    calls = record_versions(monkeypatch)
    resource = make_resource(submitted_by=volunteer, status="published")
    resource_update(
        actor=volunteer, resource=resource, change_note="Typo fixed", summary="Better summary."
    )
    assert calls == [{"actor": volunteer, "resource": resource.pk, "change_note": "Typo fixed"}]


def test_editing_a_draft_records_no_version(volunteer, monkeypatch):
    calls = record_versions(monkeypatch)
    resource = draft_of(volunteer)
    resource_update(actor=volunteer, resource=resource, summary="Better summary.")
    assert calls == []


def test_staff_may_edit_someone_elses_draft(volunteer, staff):
    resource = draft_of(volunteer)
    resource_update(actor=staff, resource=resource, summary="Curated.")
    resource.refresh_from_db()
    assert resource.summary == "Curated."


def test_unknown_fields_are_refused(volunteer):
    resource = draft_of(volunteer)
    with pytest.raises(InvalidInputError):
        resource_update(actor=volunteer, resource=resource, status="published")
    resource.refresh_from_db()
    assert resource.status == "draft"


def test_tags_authors_and_links_are_replaced(volunteer):
    resource = draft_of(volunteer, tags={"domain": ["water"]}, authors=[AuthorInput(name="A")])
    resource_update(
        actor=volunteer,
        resource=resource,
        tags={"domain": ["health"], "keyword": ["noise"]},
        authors=[AuthorInput(name="B"), AuthorInput(name="C")],
    )
    resource.refresh_from_db()
    assert resource.tags_of("domain") == ["health"]
    assert list(
        ResourceAuthor.objects.filter(resource=resource).values_list("name", flat=True)
    ) == [
        "B",
        "C",
    ]
    assert "noise" in resource.search_document


def test_a_view_counts_once_per_call():
    resource = make_resource()
    for _ in range(5):
        resource_view_count(resource=resource)
    resource.refresh_from_db()
    assert resource.view_count == 5


def test_the_view_counter_is_one_atomic_update(django_assert_num_queries):
    resource = make_resource()
    with django_assert_num_queries(1) as captured:
        resource_view_count(resource=resource)
    assert '"view_count" + ' in captured.captured_queries[0]["sql"]


@pytest.mark.postgresql  # concurrent transactions: deselected in the SQLite run
@pytest.mark.django_db(transaction=True)
def test_concurrent_views_lose_no_count():
    resource = make_resource()
    errors: list[BaseException] = []

    def view() -> None:
        try:
            for _ in range(10):
                resource_view_count(resource=resource)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=view) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Resource.objects.get(pk=resource.pk).view_count == 50


def test_staff_may_edit_a_resource_nobody_submitted(staff):
    resource = make_resource(status="draft", submitted_by=None)
    resource_update(actor=staff, resource=resource, summary="Imported, then curated.")
    resource.refresh_from_db()
    assert resource.summary == "Imported, then curated."
