"""Linking a resource to its translation: both sides, other language, both editable."""

import pytest

from cslab.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from cslab.hub.models import Resource
from cslab.hub.services.resources import (
    resource_create,
    resource_translation_link,
    resource_translation_unlink,
)
from tests.factories import UserFactory
from tests.hub.factories import make_resource

pytestmark = pytest.mark.django_db


def draft(user, language, title="Bee walk"):
    return resource_create(
        actor=user, kind="method_card", title=title, summary="Count bees.", language=language
    )


def test_both_sides_point_at_each_other(volunteer):
    english, dutch = draft(volunteer, "en"), draft(volunteer, "nl", "Bijenwandeling")
    resource_translation_link(actor=volunteer, resource=english, translation=dutch)
    english.refresh_from_db()
    dutch.refresh_from_db()
    assert english.translation_id == dutch.pk
    assert dutch.translation_id == english.pk


def test_a_new_link_unlinks_the_old_partner(volunteer):
    english = draft(volunteer, "en")
    first, second = draft(volunteer, "nl", "Eerste"), draft(volunteer, "nl", "Tweede")
    resource_translation_link(actor=volunteer, resource=english, translation=first)
    resource_translation_link(actor=volunteer, resource=english, translation=second)
    assert Resource.objects.get(pk=first.pk).translation_id is None
    assert Resource.objects.get(pk=english.pk).translation_id == second.pk
    assert Resource.objects.get(pk=second.pk).translation_id == english.pk


def test_the_same_language_is_refused(volunteer):
    with pytest.raises(InvalidInputError):
        resource_translation_link(
            actor=volunteer, resource=draft(volunteer, "en"), translation=draft(volunteer, "en")
        )


def test_someone_elses_draft_cannot_be_linked(volunteer):
    theirs = draft(UserFactory(), "nl")
    with pytest.raises(NotFoundError):
        resource_translation_link(
            actor=volunteer, resource=draft(volunteer, "en"), translation=theirs
        )


def test_someone_elses_published_resource_cannot_be_linked(volunteer):
    theirs = make_resource(submitted_by=UserFactory(), status="published", language="nl")
    with pytest.raises(PermissionDeniedError):
        resource_translation_link(
            actor=volunteer, resource=draft(volunteer, "en"), translation=theirs
        )


def test_unlinking_clears_both_sides(volunteer):
    english, dutch = draft(volunteer, "en"), draft(volunteer, "nl", "Bijen")
    resource_translation_link(actor=volunteer, resource=english, translation=dutch)
    resource_translation_unlink(actor=volunteer, resource=dutch)
    assert Resource.objects.get(pk=english.pk).translation_id is None
    assert Resource.objects.get(pk=dutch.pk).translation_id is None
