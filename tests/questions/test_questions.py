"""Proposing a question: to the Lab-wide board or to a visible project's board."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from cslab.core.errors import ConflictError, InvalidInputError, NotAuthenticatedError, NotFoundError
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.notifications.models import Notification
from cslab.projects.models import Project
from cslab.questions.models import Question, QuestionStatusChange
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_proposed_question_lands_on_the_lab_board_with_its_history(
    propose: Callable[..., Question], volunteer: Any
) -> None:
    question = propose(text="  Where do   swifts sleep?  ", domains=["biodiversity"])

    question.refresh_from_db()
    assert question.project is None and question.status == Question.Status.PROPOSED
    assert question.text == "Where do swifts sleep?"
    assert question.proposer == volunteer
    assert question.domain_values() == ["biodiversity"]
    assert list(QuestionStatusChange.objects.values_list("to_status", flat=True)) == ["proposed"]
    assert AuditEvent.objects.filter(action="question.proposed", actor=volunteer).exists()


def test_a_question_on_a_project_board_tells_its_owners_and_researchers(
    propose: Callable[..., Question], public_project: Project, team_member: Any
) -> None:
    researcher = team_member(public_project, ProjectRole.RESEARCHER)
    team_member(public_project, ProjectRole.MEMBER)

    question = propose(project=public_project)

    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {public_project.initiator_id, researcher.pk}
    assert question.project == public_project


def test_an_outsider_cannot_ask_on_a_private_board(
    propose: Callable[..., Question], private_project: Project
) -> None:
    with pytest.raises(NotFoundError):
        propose(project=private_project)
    assert not Question.objects.exists()


def test_the_team_may_ask_on_its_private_board(
    propose: Callable[..., Question], private_project: Project
) -> None:
    question = propose(actor=private_project.initiator, project=private_project)
    assert question.project == private_project


def test_an_archived_project_takes_no_questions(propose: Callable[..., Question]) -> None:
    archived = ProjectFactory(public=True, status=Project.Status.ARCHIVED)
    with pytest.raises(InvalidInputError) as refused:
        propose(project=archived)
    assert refused.value.code == "board_closed"


def test_asking_the_same_question_twice_is_a_conflict(propose: Callable[..., Question]) -> None:
    propose(text="Why are the canals green?")
    with pytest.raises(ConflictError) as refused:
        propose(text="why are the canals GREEN?")
    assert refused.value.code == "duplicate_question"
    assert Question.objects.count() == 1


def test_anonymous_visitors_cannot_propose(propose: Callable[..., Question]) -> None:
    with pytest.raises(NotAuthenticatedError):
        propose(actor=AnonymousUser())


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": "   "}, "text"),
        ({"why_it_matters": ""}, "why_it_matters"),
        ({"domains": ["astrology"]}, "domains"),
        ({"latitude": 52.1}, "latitude"),
        ({"latitude": 95.0, "longitude": 4.0}, "latitude"),
        ({"area": {"type": "LineString", "coordinates": [[4, 52], [5, 52]]}}, "area"),
    ],
)
def test_invalid_input_is_refused_field_by_field(
    propose: Callable[..., Question], fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        propose(**fields)
    assert field in refused.value.details


def test_a_place_can_be_a_pin_and_an_area(propose: Callable[..., Question]) -> None:
    area = {
        "type": "Feature",
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[4.45, 52.14], [4.53, 52.14], [4.53, 52.18], [4.45, 52.14]]],
        },
    }
    question = propose(place_name="Leiden", latitude=52.16, longitude=4.49, area=area)
    question.refresh_from_db()
    assert question.area is not None and question.area["type"] == "Polygon"
    assert (question.latitude, question.longitude) == (52.16, 4.49)


def test_the_database_refuses_a_declined_question_without_a_reason(
    propose: Callable[..., Question],
) -> None:
    question = propose()
    with pytest.raises(IntegrityError):
        Question.objects.filter(pk=question.pk).update(status=Question.Status.DECLINED)


def test_the_database_refuses_an_adopted_question_without_a_project(
    propose: Callable[..., Question],
) -> None:
    question = propose()
    with pytest.raises(IntegrityError):
        Question.objects.filter(pk=question.pk).update(status=Question.Status.ADOPTED)
