"""The curators' quality checklist: the default one, and staff keeping it."""

import importlib
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.test import Client
from django.urls import reverse

from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.models import AuditEvent
from cslab.hub.models import QualityCriterion, Review
from cslab.hub.services.criteria import (
    criterion_create,
    criterion_deactivate,
    criterion_delete,
    criterion_update,
)
from tests.hub.factories import make_resource

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_checklist")]

DEFAULTS = importlib.import_module("cslab.hub.migrations.0002_curation_default_criteria")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_default_checklist_has_six_criteria_in_english_and_dutch() -> None:
    criteria = list(QualityCriterion.objects.filter(active=True))
    assert len(criteria) == 6
    assert all(criterion.label and criterion.label_nl for criterion in criteria)
    assert criteria[0].code == "accurate"


def test_the_default_checklist_migration_is_reversible() -> None:
    DEFAULTS.remove_criteria(global_apps, None)
    assert not QualityCriterion.objects.exists()
    DEFAULTS.add_criteria(global_apps, None)
    DEFAULTS.add_criteria(global_apps, None)  # twice: no duplicates
    assert QualityCriterion.objects.count() == 6


def test_staff_add_reword_and_retire_a_criterion_each_audited(staff: Any) -> None:
    criterion = criterion_create(actor=staff, label="Images  have alt text", label_nl="Alt-tekst")
    assert criterion.code == "images-have-alt-text"
    assert criterion.label == "Images have alt text"
    assert criterion.position == 7
    criterion_update(actor=staff, criterion=criterion, label="Images described", position=0)
    criterion.refresh_from_db()
    assert (criterion.label, criterion.position, criterion.code) == (
        "Images described",
        0,
        "images-have-alt-text",
    )
    criterion_deactivate(actor=staff, criterion=criterion)
    assert not QualityCriterion.objects.get(pk=criterion.pk).active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"hub.criteria.create", "hub.criteria.update", "hub.criteria.deactivate"} <= actions


def test_a_volunteer_may_not_change_the_checklist(volunteer: Any) -> None:
    with pytest.raises(NotFoundError):
        criterion_create(actor=volunteer, label="Anything goes")


def test_an_empty_or_duplicate_criterion_is_refused(staff: Any) -> None:
    with pytest.raises(InvalidInputError):
        criterion_create(actor=staff, label="   ")
    with pytest.raises(ConflictError):
        criterion_create(actor=staff, label="Accurate")


def test_a_used_criterion_cannot_be_deleted_but_an_unused_one_can(staff: Any) -> None:
    used = QualityCriterion.objects.get(code="accurate")
    Review.objects.create(resource=make_resource(), decision="publish", criteria={"accurate": True})
    with pytest.raises(ConflictError):
        criterion_delete(actor=staff, criterion=used)
    unused = QualityCriterion.objects.get(code="useful-to-practice")
    criterion_delete(actor=staff, criterion=unused)
    assert not QualityCriterion.objects.filter(code="useful-to-practice").exists()


def test_the_criteria_page_lists_adds_rewords_and_retires(staff: Any) -> None:
    client = client_for(staff)
    url = reverse("hub_criteria")
    page = client.get(url)
    assert page.status_code == 200
    assert "Personal data protected" in page.content.decode()
    response = client.post(
        url, {"operation": "create", "new-label": "Cites data", "new-label_nl": "Noemt data"}
    )
    assert response.status_code == 302
    criterion = QualityCriterion.objects.get(code="cites-data")
    prefix = f"c{criterion.pk}"
    client.post(
        url,
        {
            "operation": "update",
            "criterion": criterion.pk,
            f"{prefix}-label": "Cites its data",
            f"{prefix}-position": "2",
        },
    )
    client.post(url, {"operation": "retire", "criterion": criterion.pk})
    criterion.refresh_from_db()
    assert (criterion.label, criterion.position, criterion.active) == ("Cites its data", 2, False)
    assert client.post(url, {"operation": "create", "new-label": ""}).status_code == 400


def test_the_criteria_page_is_404_for_non_staff(volunteer: Any, trainer: Any) -> None:
    for user in (volunteer, trainer):
        assert client_for(user).get(reverse("hub_criteria")).status_code == 404
        assert (
            client_for(user).post(reverse("hub_criteria"), {"operation": "create"}).status_code
            == 404
        )
