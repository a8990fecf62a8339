"""Feedback services: uses, endorsements, ratings, comments and their moderation."""

import threading

import pytest
from django.db import connection

from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.models import AuditEvent
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole, SiteRole
from cslab.hub.models import Endorsement, Rating, Resource, ResourceComment, ResourceUse
from cslab.hub.services import feedback
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_project_lead_adds_a_use_and_the_count_goes_up() -> None:
    resource = make_resource()
    project = ProjectFactory()
    use = feedback.resource_use_add(
        actor=project.initiator, resource=resource, project=project, note="For our protocol."
    )
    resource.refresh_from_db()
    assert use.note == "For our protocol."
    assert resource.use_count == 1
    assert AuditEvent.objects.filter(action="hub.resource_use_added").count() == 1


def test_adding_the_same_use_twice_is_idempotent() -> None:
    resource = make_resource()
    project = ProjectFactory()
    first = feedback.resource_use_add(actor=project.initiator, resource=resource, project=project)
    second = feedback.resource_use_add(actor=project.initiator, resource=resource, project=project)
    resource.refresh_from_db()
    assert first.pk == second.pk
    assert ResourceUse.objects.count() == 1
    assert resource.use_count == 1


def test_a_volunteer_cannot_add_a_use_to_someone_elses_project() -> None:
    resource = make_resource()
    project = ProjectFactory(public=True)
    member = UserFactory()
    MembershipFactory(project=project, user=member, role=ProjectRole.MEMBER)
    for person in (UserFactory(), member):
        with pytest.raises(NotFoundError):
            feedback.resource_use_add(actor=person, resource=resource, project=project)
    assert not ResourceUse.objects.exists()


@pytest.mark.parametrize("status", ["draft", "submitted", "retired"])
def test_a_use_needs_a_published_resource(status: str) -> None:
    project = ProjectFactory()
    resource = make_resource(status=status, submitted_by=project.initiator)
    with pytest.raises(NotFoundError):
        feedback.resource_use_add(actor=project.initiator, resource=resource, project=project)


def test_removing_a_use_lowers_the_count_and_only_leads_may() -> None:
    resource = make_resource()
    project = ProjectFactory()
    use = feedback.resource_use_add(actor=project.initiator, resource=resource, project=project)
    with pytest.raises(NotFoundError):
        feedback.resource_use_remove(actor=UserFactory(), use=use)
    feedback.resource_use_remove(actor=project.initiator, use=use)
    resource.refresh_from_db()
    assert resource.use_count == 0
    assert not ResourceUse.objects.exists()


def test_staff_endorse_once_and_endorsing_again_replaces_the_statement() -> None:
    staff = UserFactory(site_role=SiteRole.STAFF)
    resource = make_resource()
    feedback.resource_endorse(actor=staff, resource=resource, statement="Solid.")
    feedback.resource_endorse(actor=staff, resource=resource, statement="Very solid.")
    assert list(Endorsement.objects.values_list("statement", flat=True)) == ["Very solid."]
    feedback.resource_endorsement_withdraw(actor=staff, resource=resource)
    assert not Endorsement.objects.exists()


def test_a_volunteer_cannot_endorse() -> None:
    with pytest.raises(PermissionDeniedError):
        feedback.resource_endorse(actor=UserFactory(), resource=make_resource())


def test_rating_again_replaces_the_earlier_rating() -> None:
    person = UserFactory()
    resource = make_resource()
    feedback.resource_rate(actor=person, resource=resource, stars=2)
    feedback.resource_rate(actor=person, resource=resource, stars=5)
    assert list(Rating.objects.values_list("stars", flat=True)) == [5]


@pytest.mark.parametrize("stars", [0, 6, -1, "five", None])
def test_stars_outside_one_to_five_are_refused(stars: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        feedback.resource_rate(actor=UserFactory(), resource=make_resource(), stars=stars)  # type: ignore[arg-type]
    assert caught.value.status == 400
    assert not Rating.objects.exists()


def test_anonymous_people_cannot_rate() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticatedError):
        feedback.resource_rate(actor=AnonymousUser(), resource=make_resource(), stars=3)


def test_commenting_on_someone_elses_draft_is_not_found() -> None:
    draft = make_resource(status=Resource.Status.DRAFT, submitted_by=UserFactory())
    with pytest.raises(NotFoundError):
        feedback.resource_comment_post(actor=UserFactory(), resource=draft, text="Hello")


def test_an_empty_or_huge_comment_is_refused() -> None:
    resource = make_resource()
    person = UserFactory()
    with pytest.raises(InvalidInputError):
        feedback.resource_comment_post(actor=person, resource=resource, text="   ")
    with pytest.raises(InvalidInputError):
        feedback.resource_comment_post(actor=person, resource=resource, text="x" * 5001)
    assert not ResourceComment.objects.exists()


def test_a_person_flags_a_comment_once_and_never_their_own() -> None:
    author, reader = UserFactory(), UserFactory()
    comment = feedback.resource_comment_post(actor=author, resource=make_resource(), text="Hi")
    with pytest.raises(InvalidInputError) as caught:
        feedback.resource_comment_flag(actor=author, comment=comment)
    assert caught.value.code == ProblemCode.OWN_COMMENT
    feedback.resource_comment_flag(actor=reader, comment=comment, reason="Spam")
    comment = feedback.resource_comment_flag(actor=reader, comment=comment, reason="Spam")
    assert comment.flag_count == 1


def test_hiding_needs_a_reason_and_a_moderator() -> None:
    staff = UserFactory(site_role=SiteRole.STAFF)
    comment = feedback.resource_comment_post(
        actor=UserFactory(), resource=make_resource(), text="Rude words"
    )
    with pytest.raises(InvalidInputError) as caught:
        feedback.resource_comment_hide(actor=staff, comment=comment, reason="  ")
    assert caught.value.status == 400
    with pytest.raises(PermissionDeniedError):
        feedback.resource_comment_hide(actor=UserFactory(), comment=comment, reason="No")
    hidden = feedback.resource_comment_hide(actor=staff, comment=comment, reason="Rude")
    assert hidden.is_hidden
    assert AuditEvent.objects.filter(action="hub.comment_hidden").exists()
    shown = feedback.resource_comment_show(actor=staff, comment=hidden)
    assert not shown.is_hidden
    with pytest.raises(ConflictError):
        feedback.resource_comment_show(actor=staff, comment=shown)


@pytest.mark.postgresql  # concurrent transactions: deselected in the SQLite run
@pytest.mark.django_db(transaction=True)
def test_concurrent_use_adds_keep_the_count_right() -> None:
    resource = make_resource()
    projects = [ProjectFactory() for _ in range(3)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def add(project: object) -> None:
        try:
            barrier.wait()
            feedback.resource_use_add(
                actor=project.initiator,  # type: ignore[attr-defined]
                resource=resource,
                project=project,
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    # Each project twice at once: three uses, never six, never an error.
    threads = [threading.Thread(target=add, args=(p,)) for p in projects for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    resource.refresh_from_db()
    assert errors == []
    assert ResourceUse.objects.filter(resource=resource).count() == 3
    assert resource.use_count == 3
