"""After an account's erasure its e-mail, name and user name appear nowhere (issue 14 item 5).

One test dumps every text, character and JSON column of every model; others look where people
look: pages, the API, exports, search, the audit log.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client

from cslab.accounts.models import User
from cslab.privacy.models import Erasure
from cslab.privacy.services.erasure import account_erase
from tests.factories import TEST_PASSWORD
from tests.privacy.erasure_world import CANARIES, EMAIL, plant

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def canaries_in_database() -> list[str]:
    """Every (model, field, row) whose text holds a canary, ignoring letter case."""
    found: list[str] = []
    folded = [canary.casefold() for canary in CANARIES]
    for model in apps.get_models():
        fields = [field for field in model._meta.concrete_fields if isinstance(field, TEXT_FIELDS)]
        if not fields:
            continue
        for row in model._default_manager.values_list("pk", *(field.attname for field in fields)):
            for field, value in zip(fields, row[1:], strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if text and any(canary in text.casefold() for canary in folded):
                    found.append(f"{model._meta.label}.{field.name} #{row[0]}: {text[:120]}")
    return found


def test_the_world_plants_the_canary_in_many_tables() -> None:
    """The check below is not vacuous: before erasure the canaries are all over the place."""
    plant()

    tables = {
        leak.split(".")[0] + "." + leak.split(".")[1].split(" ")[0]
        for leak in canaries_in_database()
    }

    assert len(tables) >= 15, sorted(tables)


def test_after_erasure_no_text_column_of_any_table_holds_the_email_name_or_user_name() -> None:
    world = plant()

    erasure = account_erase(
        actor=world.person, user=world.person, delete_contributions=False, requested_through="web"
    )

    assert canaries_in_database() == []
    assert erasure.pseudonym.startswith("Participant ")
    # No mapping: the erasure row has no link to the person, not even through a field name.
    assert not any(
        field.is_relation and field.related_model is User for field in Erasure._meta.get_fields()
    )


def test_after_erasure_the_person_cannot_log_in_and_has_no_session() -> None:
    world = plant()
    client = Client()
    assert client.login(email=EMAIL, password=TEST_PASSWORD)
    assert Session.objects.count() == 1

    account_erase(
        actor=world.person, user=world.person, delete_contributions=False, requested_through="web"
    )

    assert Session.objects.count() == 0
    assert client.get("/me/").status_code in (302, 404)
    assert not Client().login(email=EMAIL, password=TEST_PASSWORD)
    world.person.refresh_from_db()
    assert not world.person.is_active and not world.person.has_usable_password()


def test_kept_contributions_are_still_counted_under_the_pseudonym() -> None:
    world = plant()

    erasure = account_erase(
        actor=world.person, user=world.person, delete_contributions=False, requested_through="web"
    )

    world.person.refresh_from_db()
    assert world.person.display_name == erasure.pseudonym
    assert world.project.observations.filter(observer=world.person).count() == 2
    private = world.project.observations.get(instance_id="uuid:erasure-private")
    assert private.latitude is None and private.answers["where"] == ""
    assert world.things["workflow"].classifications.filter(volunteer=world.person).count() == 1
