"""Matrix rows of taking up and answering Lab-wide questions (issue 9 item 4).

A Lab-wide question goes only into a project Lab staff approved, and its answer comes from the
leads of such an adopting project (or Lab staff). Project-role viewers lead, or not, both the
approved `team_project` and the unapproved `draft_project`; `build` adds one Lab-wide question
adopted by each and a fresh one to adopt.
"""

from typing import Any

from cslab.questions.models import Question
from cslab.questions.services.questions import question_propose
from tests.permission_matrix import Row, World, signed_in


def _adopted(world: World, text: str, project: Any) -> Question:
    question = question_propose(actor=world.other_user, text=text, why_it_matters="Matrix.")
    Question.objects.filter(pk=question.pk).update(
        status=Question.Status.ADOPTED, adopted_project=project
    )
    return question


def build(world: World) -> None:
    world.extra["question-to-adopt"] = question_propose(
        actor=world.other_user, text="Where do swifts nest in town?", why_it_matters="Matrix."
    )
    world.extra["adopted-by-approved"] = _adopted(
        world, "Do bats follow canals?", world.team_project
    )
    world.extra["adopted-by-unapproved"] = _adopted(
        world, "Do frogs like garden ponds?", world.draft_project
    )


def _url(key: str, action: str) -> Any:
    return lambda w: f"/api/v1/questions/{w.extra[key].pk}/{action}"


ANSWER = {
    "answer": "Yes, along the water.",
    "links": [{"title": "Data", "url": "https://example.org/data"}],
}

# fmt: off
ROWS: list[Row] = [
    Row("adopt a Lab-wide question into an unapproved project", "POST",
        _url("question-to-adopt", "adopt"),
        signed_in(404, 401, staff=200, superuser=200, owner=403, researcher=403),
        body=lambda w: {"project": w.draft_project.slug},
        route="/api/v1/questions/{question_id}/adopt"),
    Row("adopt a Lab-wide question into an approved project", "POST",
        _url("question-to-adopt", "adopt"),
        signed_in(404, 401, staff=200, superuser=200, owner=200, researcher=200),
        body=lambda w: {"project": w.team_project.slug},
        route="/api/v1/questions/{question_id}/adopt"),
    Row("answer a Lab-wide question an approved project adopted", "POST",
        _url("adopted-by-approved", "answer"),
        signed_in(403, 401, staff=200, superuser=200, owner=200, researcher=200),
        body=ANSWER, route="/api/v1/questions/{question_id}/answer"),
    Row("answer a Lab-wide question an unapproved project adopted", "POST",
        _url("adopted-by-unapproved", "answer"),
        signed_in(403, 401, staff=200, superuser=200),
        body=ANSWER, route="/api/v1/questions/{question_id}/answer"),
]
# fmt: on
