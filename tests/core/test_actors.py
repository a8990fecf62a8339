"""The actor type's two narrowing helpers: who counts as the person acting."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cslab.accounts.models import User
from cslab.core.actors import Actor, person_or_none, signed_in
from cslab.core.errors import NotAuthenticatedError
from cslab.openrosa.actors import AppUserActor
from cslab.openrosa.models import AppUser


def test_a_signed_in_person_is_the_person_acting() -> None:
    person = User(email="someone@example.org")

    assert person_or_none(person) is person
    assert signed_in(person) is person


@pytest.mark.parametrize(
    "actor",
    [None, AnonymousUser(), AppUserActor(AppUser(name="Phone"))],
    ids=["the system", "an anonymous visitor", "a device"],
)
def test_nobody_is_recorded_for_the_system_a_visitor_or_a_device(actor: Actor | None) -> None:
    assert person_or_none(actor) is None


@pytest.mark.parametrize(
    "actor",
    [AnonymousUser(), AppUserActor(AppUser(name="Phone"))],
    ids=["an anonymous visitor", "a device"],
)
def test_a_service_recording_a_person_refuses_a_visitor_or_a_device(actor: Actor | None) -> None:
    with pytest.raises(NotAuthenticatedError):
        signed_in(actor)
