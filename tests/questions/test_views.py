"""The pages: boards, proposing without JavaScript, a question's page, deciding, triage."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.core.roles import ProjectRole
from cslab.projects.models import Project
from cslab.questions.models import Comment, Question, Support
from cslab.questions.services.comments import comment_post
from cslab.questions.services.states import question_decline

pytestmark = pytest.mark.django_db
S = Question.Status

PROPOSAL = {
    "text": "Do swifts nest under the roofs of Leiden-Noord?",
    "why_it_matters": "Our street is being renovated and I want to protect their nests.",
    "board": "",
    "domains": ["biodiversity"],
    "place_name": "Leiden-Noord",
    "latitude": "52.17",
    "longitude": "4.49",
    "area": "",
}


def test_the_lab_board_lists_questions_for_everyone(
    client: Any, propose: Callable[..., Question]
) -> None:
    question = propose()
    page = client.get("/questions/")
    assert page.status_code == 200
    assert question.text in page.content.decode()


def test_a_private_projects_board_and_questions_are_not_found_for_outsiders(
    client: Any, propose: Callable[..., Question], private_project: Project, volunteer: Any
) -> None:
    question = propose(actor=private_project.initiator, project=private_project)
    client.force_login(volunteer)
    assert client.get(f"/projects/{private_project.slug}/questions/").status_code == 404
    assert client.get(f"/questions/{question.pk}/").status_code == 404
    client.force_login(private_project.initiator)
    assert client.get(f"/questions/{question.pk}/").status_code == 200


def test_proposing_needs_signing_in(client: Any) -> None:
    response = client.get("/questions/propose/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_proposing_without_javascript_puts_the_question_on_the_board(
    client: Any, volunteer: Any
) -> None:
    client.force_login(volunteer)
    response = client.post("/questions/propose/", {**PROPOSAL, "step": "propose"})
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    assert (question.proposer, question.latitude, question.place_name) == (
        volunteer,
        52.17,
        "Leiden-Noord",
    )


def test_similar_questions_are_shown_on_a_preview_step_before_proposing(
    client: Any, volunteer: Any, propose: Callable[..., Question], make_user: Any
) -> None:
    existing = propose(actor=make_user(), text="Do swifts nest under roofs in Leiden?")
    client.force_login(volunteer)

    preview = client.post("/questions/propose/", {**PROPOSAL, "step": "propose"})
    assert preview.status_code == 200
    assert existing.get_absolute_url() in preview.content.decode()
    assert Question.objects.count() == 1

    confirmed = client.post("/questions/propose/", {**PROPOSAL, "step": "propose", "checked": "on"})
    assert confirmed.status_code == 302
    assert Question.objects.count() == 2


def test_an_unlisted_projects_board_is_offered_to_whoever_comes_from_it(
    client: Any, volunteer: Any
) -> None:
    from tests.projects.factories import ProjectFactory

    unlisted = ProjectFactory(public=True, visibility=Project.Visibility.UNLISTED)
    client.force_login(volunteer)
    form = client.get(f"/questions/propose/?project={unlisted.slug}")
    assert form.context["form"]["board"].value() == unlisted.slug
    response = client.post(
        "/questions/propose/", {**PROPOSAL, "board": unlisted.slug, "step": "propose"}
    )
    assert response.status_code == 302
    assert Question.objects.get().project == unlisted


def test_the_preview_button_always_shows_the_preview(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    response = client.post("/questions/propose/", {**PROPOSAL, "step": "preview"})
    assert response.status_code == 200 and "Check your question" in response.content.decode()
    assert not Question.objects.exists()


def test_an_invalid_proposal_shows_the_errors(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    response = client.post("/questions/propose/", {**PROPOSAL, "text": "", "longitude": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"text", "longitude"}


def test_similar_questions_arrive_while_typing(
    client: Any, propose: Callable[..., Question]
) -> None:
    existing = propose(text="Is the river water safe to swim in?")
    response = client.get(
        "/questions/similar/", {"text": "swim in the river"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert existing.get_absolute_url() in response.content.decode()
    assert "<html" not in response.content.decode()


def test_supporting_without_javascript_and_with_htmx(
    client: Any, propose: Callable[..., Question], make_user: Any
) -> None:
    question = propose()
    client.force_login(make_user())
    response = client.post(f"/questions/{question.pk}/support/", {"action": "support"})
    assert response.status_code == 302
    response = client.post(
        f"/questions/{question.pk}/support/", {"action": "withdraw"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Support this question" in response.content.decode()
    assert not Support.objects.exists()


def test_a_reply_is_posted_under_its_comment(
    client: Any, propose: Callable[..., Question], make_user: Any
) -> None:
    question = propose()
    parent = comment_post(actor=make_user(), question=question, text="Good one.")
    client.force_login(make_user())
    response = client.post(
        f"/questions/{question.pk}/comments/", {"text": "Agreed!", "parent": parent.pk}
    )
    reply = Comment.objects.get(parent=parent)
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    page = client.get(question.get_absolute_url()).content.decode()
    assert page.index("Good one.") < page.index("Agreed!")


def test_a_researcher_adopts_into_a_new_project_through_the_form(
    client: Any, propose: Callable[..., Question], public_project: Project
) -> None:
    question = propose()
    client.force_login(public_project.initiator)
    form = client.get(f"/questions/{question.pk}/decide/adopt/")
    assert form.status_code == 200
    response = client.post(
        f"/questions/{question.pk}/decide/adopt/",
        {"project": "new", "new_project_name": "Swift nests", "note": ""},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == S.ADOPTED and question.adopted_project is not None
    assert question.adopted_project.name == "Swift nests"


def test_declining_without_a_reason_shows_the_form_again(
    client: Any, propose: Callable[..., Question], staff: Any
) -> None:
    question = propose()
    client.force_login(staff)
    response = client.post(f"/questions/{question.pk}/decide/decline/", {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    question.refresh_from_db()
    assert question.status == S.PROPOSED


def test_volunteers_may_not_open_the_decision_forms(
    client: Any, propose: Callable[..., Question], make_user: Any
) -> None:
    question = propose()
    client.force_login(make_user())
    assert client.get(f"/questions/{question.pk}/decide/consider/").status_code == 403
    assert client.get(f"/questions/{question.pk}/decide/fly/").status_code == 404


def test_triage_is_for_staff_and_researchers(
    client: Any, public_project: Project, team_member: Any, volunteer: Any, staff: Any
) -> None:
    assert client.get("/questions/triage/").status_code == 302
    client.force_login(volunteer)
    assert client.get("/questions/triage/").status_code == 404
    client.force_login(team_member(public_project, ProjectRole.RESEARCHER))
    assert client.get("/questions/triage/").status_code == 200
    client.force_login(staff)
    assert client.get("/questions/triage/?sort=domain&status=all").status_code == 200


def test_triage_moves_many_questions_under_consideration_at_once(
    client: Any, propose: Callable[..., Question], staff: Any
) -> None:
    first, second, untouched = propose(), propose(), propose()
    client.force_login(staff)
    response = client.post(
        "/questions/triage/", {"questions": [first.pk, second.pk], "action": "consider"}
    )
    assert response.status_code == 302
    statuses = dict(Question.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: S.UNDER_CONSIDERATION,
        second.pk: S.UNDER_CONSIDERATION,
        untouched.pk: S.PROPOSED,
    }


def test_triage_declines_many_with_one_reason_and_reports_refusals(
    client: Any, propose: Callable[..., Question], staff: Any
) -> None:
    first, already = propose(), propose()
    question_decline(actor=staff, question=already, reason="Earlier.")
    client.force_login(staff)
    response = client.post(
        "/questions/triage/",
        {"questions": [first.pk, already.pk], "action": "decline", "reason": "Not measurable."},
        follow=True,
    )
    first.refresh_from_db()
    assert (first.status, first.decline_reason) == (S.DECLINED, "Not measurable.")
    messages = [str(message) for message in response.context["messages"]]
    assert any(f"#{already.pk}" in message for message in messages)


def test_triage_decline_without_a_reason_changes_nothing(
    client: Any, propose: Callable[..., Question], staff: Any
) -> None:
    question = propose()
    client.force_login(staff)
    client.post("/questions/triage/", {"questions": [question.pk], "action": "decline"})
    question.refresh_from_db()
    assert question.status == S.PROPOSED


def test_triage_merge_into_an_unknown_question_changes_nothing(
    client: Any, propose: Callable[..., Question], staff: Any
) -> None:
    question = propose()
    client.force_login(staff)
    response = client.post(
        "/questions/triage/", {"questions": [question.pk], "action": "merge", "into": 999999}
    )
    assert response.status_code == 200
    assert "There is no question number 999999." in response.content.decode()
    question.refresh_from_db()
    assert question.status == S.PROPOSED


def test_merging_into_an_unknown_question_is_a_form_error(
    client: Any, propose: Callable[..., Question], staff: Any
) -> None:
    question = propose()
    client.force_login(staff)
    response = client.post(f"/questions/{question.pk}/decide/merge/", {"into": 999999})
    assert response.status_code == 200 and response.context["form"].errors["into"]


def test_triage_merges_the_selected_into_one(
    client: Any, propose: Callable[..., Question], staff: Any, make_user: Any
) -> None:
    target, first, second = propose(), propose(), propose()
    supporter = make_user()
    Support.objects.create(question=first, user=supporter)
    client.force_login(staff)
    client.post(
        "/questions/triage/",
        {"questions": [target.pk, first.pk, second.pk], "action": "merge", "into": target.pk},
    )
    target.refresh_from_db()
    assert Question.objects.filter(merged_into=target).count() == 2
    assert target.status == S.PROPOSED and target.support_count == 1


def test_researchers_cannot_bulk_act_on_questions_outside_their_boards(
    client: Any, propose: Callable[..., Question], public_project: Project, team_member: Any
) -> None:
    researcher = team_member(public_project, ProjectRole.RESEARCHER)
    lab_question = propose()
    client.force_login(researcher)
    client.post(
        "/questions/triage/",
        {"questions": [lab_question.pk], "action": "decline", "reason": "Mine now."},
    )
    lab_question.refresh_from_db()
    assert lab_question.status == S.PROPOSED


def test_my_questions_page_tells_what_happened(
    client: Any, propose: Callable[..., Question], volunteer: Any, staff: Any
) -> None:
    question = propose()
    question_decline(actor=staff, question=question, reason="Already answered by the KNMI.")
    client.force_login(volunteer)
    page = client.get("/questions/mine/").content.decode()
    assert question.text in page and "Already answered by the KNMI." in page
