"""Who may take up a Lab-wide question and answer it: nobody can take a question over by
starting an "idea" project of their own (issue 9 item 4)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cslab.core.errors import PermissionDeniedError
from cslab.projects.models import Project
from cslab.projects.services.projects import project_create
from cslab.questions.models import Question
from cslab.questions.services.states import question_adopt, question_answer

pytestmark = pytest.mark.django_db
S = Question.Status


def test_a_volunteer_with_only_an_idea_project_cannot_take_up_a_lab_question(
    propose: Callable[..., Question], make_user: Any
) -> None:
    question = propose()
    volunteer = make_user()
    idea = project_create(actor=volunteer, name="My private idea", visibility="private")
    assert idea.approved_at is None

    with pytest.raises(PermissionDeniedError):
        question_adopt(actor=volunteer, question=question, project=idea)
    with pytest.raises(PermissionDeniedError):
        question_adopt(actor=volunteer, question=question, new_project_name="Mine now")
    question.refresh_from_db()
    assert question.status == S.PROPOSED and question.adopted_project is None


def test_a_lab_question_goes_only_into_a_project_lab_staff_approved(
    propose: Callable[..., Question], public_project: Project
) -> None:
    question = propose()
    researcher = public_project.initiator
    idea = project_create(actor=researcher, name="Unreviewed idea", visibility="private")

    with pytest.raises(PermissionDeniedError) as refused:
        question_adopt(actor=researcher, question=question, project=idea)
    assert refused.value.code == "project_not_approved"
    question_adopt(actor=researcher, question=question, project=public_project)
    question.refresh_from_db()
    assert question.adopted_project == public_project


def test_the_adopt_form_offers_only_approved_projects_for_a_lab_question(
    client: Client, propose: Callable[..., Question], public_project: Project
) -> None:
    question = propose()
    researcher = public_project.initiator
    idea = project_create(actor=researcher, name="Unreviewed idea", visibility="private")
    client.force_login(researcher)

    choices = dict(
        client.get(f"/questions/{question.pk}/decide/adopt/")
        .context["form"]
        .fields["project"]
        .choices
    )
    posted = client.post(
        f"/questions/{question.pk}/decide/adopt/",
        {"project": str(idea.pk), "new_project_name": "", "note": ""},
    )

    assert str(public_project.pk) in choices and str(idea.pk) not in choices
    assert posted.status_code == 200  # the form again: not a choice
    question.refresh_from_db()
    assert question.status == S.PROPOSED


def test_only_leads_of_an_approved_adopting_project_publish_the_answer(
    propose: Callable[..., Question], public_project: Project, staff: Any
) -> None:
    question = propose()
    researcher = public_project.initiator
    question_adopt(actor=researcher, question=question, new_project_name="Swift nests")
    question.refresh_from_db()
    new_project = question.adopted_project
    assert new_project is not None and new_project.approved_at is None

    with pytest.raises(PermissionDeniedError):
        question_answer(
            actor=researcher,
            question=question,
            answer="Trust me.",
            links=[{"title": "Proof", "url": "https://example.org/fake"}],
        )
    question.refresh_from_db()
    assert question.status == S.ADOPTED and question.answer == ""
    # Lab staff may still record it, and the team may once their project is approved.
    question_answer(actor=staff, question=question, answer="Swifts nest under roof tiles.")
    assert question.status == S.ANSWERED
