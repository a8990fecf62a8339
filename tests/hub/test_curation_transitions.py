"""Curation steps of a hub resource: who may take which step from which status, the checklist
rule, what each step records (review, version, audit) and whom it tells."""

import threading
from typing import Any

import pytest
from django.db import connections

from cslab.core.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.models import AuditEvent
from cslab.hub.models import QualityCriterion, Resource, ResourceAuthor, Review
from cslab.hub.selectors.resources import resource_get, resource_list_listed
from cslab.hub.services.curation import resource_transition
from cslab.notifications.models import Notification
from tests.factories import UserFactory
from tests.hub.factories import make_resource

# The resource page is the resources part's; a stand-in renders the parts until it is merged.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_checklist")]

S = Resource.Status


def all_met() -> dict[str, bool]:
    return {
        code: True
        for code in QualityCriterion.objects.filter(active=True).values_list("code", flat=True)
    }


def step(actor: Any, resource: Resource, action: str, **kwargs: Any) -> Resource:
    return resource_transition(actor=actor, resource=resource, action=action, **kwargs)


@pytest.fixture
def author(volunteer: Any) -> Any:
    return volunteer


@pytest.fixture
def draft(author: Any) -> Resource:
    return make_resource(submitted_by=author, status=S.DRAFT)


@pytest.fixture
def submitted(author: Any) -> Resource:
    return make_resource(submitted_by=author, status=S.SUBMITTED)


# ------------------------------------------------------------------ author steps


def test_the_submitter_submits_a_draft_and_the_time_is_kept(author: Any, draft: Resource) -> None:
    step(author, draft, "submit")
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert draft.submitted_at is not None


def test_a_linked_author_may_submit_and_withdraw(draft: Resource) -> None:
    coauthor = UserFactory()
    ResourceAuthor.objects.create(resource=draft, user=coauthor, name="Co", position=5)
    step(coauthor, draft, "submit")
    step(coauthor, draft, "withdraw")
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_someone_else_cannot_see_let_alone_submit_a_draft(draft: Resource) -> None:
    with pytest.raises(NotFoundError):
        step(UserFactory(), draft, "submit")
    with pytest.raises(NotAuthenticatedError):
        from django.contrib.auth.models import AnonymousUser

        step(AnonymousUser(), make_resource(status=S.PUBLISHED), "retire", notice="x")


def test_submitting_again_after_changes_were_requested(author: Any) -> None:
    resource = make_resource(submitted_by=author, status=S.CHANGES_REQUESTED)
    step(author, resource, "submit")
    assert Resource.objects.get(pk=resource.pk).status == S.SUBMITTED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.DRAFT, "withdraw"),
        (S.SUBMITTED, "submit"),
        (S.PUBLISHED, "submit"),
        (S.DECLINED, "submit"),
        (S.DRAFT, "publish"),
        (S.PUBLISHED, "publish"),
        (S.CHANGES_REQUESTED, "decline"),
        (S.DRAFT, "retire"),
        (S.PUBLISHED, "reinstate"),
        (S.RETIRED, "retire"),
    ],
)
def test_a_step_not_open_from_the_status_is_a_conflict_naming_the_status(
    staff: Any, status: str, action: str
) -> None:
    resource = make_resource(submitted_by=UserFactory(), status=status)
    with pytest.raises(InvalidTransitionError) as caught:
        step(staff, resource, action, comment="c", criteria=all_met(), notice="n")
    assert str(Resource.Status(status).label) in caught.value.message
    assert caught.value.status == 409
    assert Resource.objects.get(pk=resource.pk).status == status


def test_an_unknown_action_is_refused(staff: Any, submitted: Resource) -> None:
    with pytest.raises(InvalidInputError):
        step(staff, submitted, "delete")


# ---------------------------------------------------------------- curator decisions


def test_a_curator_publishes_with_every_criterion_met(
    staff: Any, author: Any, submitted: Resource
) -> None:
    step(staff, submitted, "publish", criteria=all_met(), comment="Fine work.")
    fresh = Resource.objects.get(pk=submitted.pk)
    assert fresh.status == S.PUBLISHED
    assert fresh.published_at is not None
    assert fresh.version == 1
    review = Review.objects.get(resource=submitted)
    assert review.decision == "publish"
    assert review.reviewer == staff
    assert review.criteria == all_met()
    assert fresh.versions.get().number == 1


def test_the_submitter_cannot_publish_their_own(author: Any, submitted: Resource) -> None:
    with pytest.raises(PermissionDeniedError):
        step(author, submitted, "publish", criteria=all_met())


def test_a_curator_who_submitted_the_resource_leaves_the_decision_to_another(
    staff: Any,
) -> None:
    resource = make_resource(submitted_by=staff, status=S.SUBMITTED)
    with pytest.raises(PermissionDeniedError):
        step(staff, resource, "publish", criteria=all_met())
    assert not Review.objects.exists()


def test_a_volunteer_or_trainer_cannot_decide(submitted: Resource, trainer: Any) -> None:
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        step(UserFactory(), submitted, "decline", comment="no", criteria=all_met())
    submitted.status = S.PUBLISHED
    Resource.objects.filter(pk=submitted.pk).update(status=S.PUBLISHED)
    with pytest.raises(PermissionDeniedError):
        step(trainer, submitted, "retire", notice="old")


def test_publishing_needs_every_criterion_met_and_names_the_unmet(
    staff: Any, submitted: Resource
) -> None:
    answers = all_met()
    answers["personal-data-protected"] = False
    with pytest.raises(InvalidInputError) as caught:
        step(staff, submitted, "publish", criteria=answers)
    assert caught.value.status == 400
    assert "Personal data protected" in caught.value.message
    assert Resource.objects.get(pk=submitted.pk).status == S.SUBMITTED
    assert not Review.objects.exists()


def test_every_active_criterion_must_be_answered(staff: Any, submitted: Resource) -> None:
    answers = all_met()
    del answers["accurate"]
    with pytest.raises(InvalidInputError) as caught:
        step(staff, submitted, "request_changes", comment="More, please.", criteria=answers)
    assert "Accurate and up to date" in caught.value.message


def test_a_retired_criterion_is_not_asked(staff: Any, submitted: Resource) -> None:
    QualityCriterion.objects.filter(code="accurate").update(active=False)
    step(staff, submitted, "publish", criteria=all_met())
    assert "accurate" not in Review.objects.get().criteria


@pytest.mark.parametrize("action", ["request_changes", "decline"])
def test_asking_for_changes_or_declining_needs_a_comment(
    staff: Any, submitted: Resource, action: str
) -> None:
    with pytest.raises(InvalidInputError):
        step(staff, submitted, action, comment="   ", criteria=all_met())
    step(staff, submitted, action, comment="Cite your sources.", criteria=all_met())
    assert Review.objects.get().comment == "Cite your sources."


def test_changes_may_be_requested_with_criteria_unmet(staff: Any, submitted: Resource) -> None:
    answers = {code: False for code in all_met()}
    step(staff, submitted, "request_changes", comment="Needs work.", criteria=answers)
    assert Resource.objects.get(pk=submitted.pk).status == S.CHANGES_REQUESTED


@pytest.mark.parametrize(
    ("action", "words"),
    [
        ("publish", "published your resource"),
        ("request_changes", "asks for changes"),
        ("decline", "declined your resource"),
    ],
)
def test_the_submitter_is_told_once_of_a_decision_with_the_comment_and_a_link(
    staff: Any, author: Any, submitted: Resource, action: str, words: str
) -> None:
    step(staff, submitted, action, comment="Thanks for this.", criteria=all_met())
    notification = Notification.objects.get()
    assert notification.recipient == author
    text = notification.message % notification.params
    assert words in text
    assert submitted.title in text
    if action != "publish":
        assert "Thanks for this." in text
    assert notification.url == f"/hub/{submitted.slug}/"


def test_author_steps_tell_nobody(author: Any, draft: Resource) -> None:
    step(author, draft, "submit")
    step(author, draft, "withdraw")
    assert not Notification.objects.exists()


def test_every_step_is_audited_with_the_review_and_comment(
    staff: Any, author: Any, draft: Resource
) -> None:
    step(author, draft, "submit")
    step(staff, draft, "request_changes", comment="Add a licence.", criteria=all_met())
    step(author, draft, "submit")
    step(staff, draft, "publish", criteria=all_met(), comment="Good.")
    step(staff, draft, "retire", notice="Replaced by a newer guide.")
    step(staff, draft, "reinstate")
    step(author, make_resource(submitted_by=author, status=S.SUBMITTED), "withdraw")
    actions = list(
        AuditEvent.objects.filter(action__startswith="hub.resource.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "hub.resource.submit",
        "hub.resource.request_changes",
        "hub.resource.submit",
        "hub.resource.publish",
        "hub.resource.retire",
        "hub.resource.reinstate",
        "hub.resource.withdraw",
    ]
    asked = AuditEvent.objects.get(action="hub.resource.request_changes")
    review = Review.objects.get(decision="request_changes")
    assert asked.details["review"] == review.pk
    assert asked.details["comment"] == "Add a licence."
    assert AuditEvent.objects.get(action="hub.resource.publish").details["version"] == 1


# -------------------------------------------------------------- retire and reinstate


def test_a_retired_resource_stays_reachable_with_its_notice_but_is_not_listed(
    staff: Any,
) -> None:
    resource = make_resource(status=S.PUBLISHED)
    with pytest.raises(InvalidInputError):
        step(staff, resource, "retire", notice="  ")
    step(staff, resource, "retire", notice="Use the 2026 edition.")
    fresh = resource_get(UserFactory(), resource.slug)
    assert fresh.status == S.RETIRED
    assert fresh.retirement_notice == "Use the 2026 edition."
    assert fresh.retired_at is not None
    assert resource not in resource_list_listed()
    step(staff, resource, "reinstate")
    fresh = Resource.objects.get(pk=resource.pk)
    assert (fresh.status, fresh.retirement_notice, fresh.retired_at) == (S.PUBLISHED, "", None)
    assert resource in resource_list_listed()


def test_publishing_again_keeps_the_first_publication_date(staff: Any, author: Any) -> None:
    resource = make_resource(submitted_by=author, status=S.DRAFT)
    step(author, resource, "submit")
    step(staff, resource, "publish", criteria=all_met())
    first = Resource.objects.get(pk=resource.pk).published_at
    Resource.objects.filter(pk=resource.pk).update(status=S.SUBMITTED)
    step(staff, resource, "publish", criteria=all_met())
    fresh = Resource.objects.get(pk=resource.pk)
    assert fresh.published_at == first
    assert fresh.version == 2


# ----------------------------------------------------------------------- races


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_curators_deciding_at_once_one_wins_the_other_gets_a_conflict() -> None:
    author = UserFactory()
    curators = [UserFactory(site_role="staff"), UserFactory(site_role="staff")]
    resource = make_resource(submitted_by=author, status=S.SUBMITTED)
    answers = all_met()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(curator: Any, action: str) -> None:
        try:
            barrier.wait(timeout=10)
            resource_transition(
                actor=curator,
                resource=Resource.objects.get(pk=resource.pk),
                action=action,
                comment="Decided.",
                criteria=answers,
            )
            outcome = "done"
        except InvalidTransitionError as error:
            outcome = f"conflict {error.status}"
        except Exception as error:  # any other failure is the finding
            outcome = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [
        threading.Thread(target=decide, args=(curators[0], "publish")),
        threading.Thread(target=decide, args=(curators[1], "decline")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["conflict 409", "done"]
    assert Review.objects.filter(resource=resource).count() == 1
    assert Notification.objects.filter(recipient=author).count() == 1
