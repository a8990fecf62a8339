"""Query counts of the classification area's lists, at two data sizes (see
`tests/query_counts.py`): workflows, subjects, classifications, results, the expert queue and
talk, as pages and as API lists. Each subject is classified by two new people who disagree, so it
retires disputed, and the workflow is aggregated again after each batch."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.classification.assignment import Identity
from cslab.classification.models import Subject, Workflow
from cslab.classification.services.classifications import classification_submit
from cslab.classification.services.talk import subject_comment_post
from cslab.classification.services.workflows import workflow_add_subjects, workflow_create
from cslab.consensus.services.aggregation import aggregation_run
from tests.classification.helpers import SPECIES_TASK, make_workflow
from tests.factories import UserFactory
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return response


def items_of(response: Any) -> int:
    return len(ok(response).json()["items"])


def list_of(response: Any) -> int:
    return len(ok(response).json())


def api(workflow: Workflow, tail: str) -> str:
    return f"/api/v1/projects/{workflow.project.slug}/workflows/{workflow.slug}/{tail}"


def page(workflow: Workflow, tail: str = "") -> str:
    return f"/projects/{workflow.project.slug}/workflows/{workflow.slug}/{tail}"


@pytest.fixture
def workflow_with_owner() -> tuple[Workflow, Any]:
    workflow, _subjects, owner = make_workflow(subjects=0, retirement_count=2)
    return workflow, owner


def classified(workflow: Workflow, owner: Any, *, aggregate: bool = True) -> Callable[[int], None]:
    """Add subjects, each classified by two new people who disagree; then aggregate again."""
    subject_set = workflow.subject_sets.get()
    made = iter(range(10_000))

    def make(count: int) -> None:
        subjects = [
            Subject.objects.create(
                subject_set=subject_set,
                external_id=f"q{next(made)}",
                kind=Subject.Kind.TEXT,
                text="A striped visitor",
            )
            for _ in range(count)
        ]
        workflow_add_subjects(
            workflow=workflow, subjects=Subject.objects.filter(pk__in=[s.pk for s in subjects])
        )
        for subject in subjects:
            for label in ("bee", "hoverfly"):
                classification_submit(
                    identity=Identity(user=UserFactory()),
                    workflow=workflow,
                    subject=subject,
                    answers={"T0": label},
                )
        if aggregate:
            aggregation_run(actor=owner, workflow=workflow, method="majority", full=True)

    return make


@pytest.mark.parametrize(
    ("tail", "shown"),
    [
        ("classifications?limit=100", items_of),
        ("subjects?limit=100", items_of),
        ("results", list_of),
        ("disputed", list_of),
        ("me", None),
    ],
)
def test_the_workflow_lists_of_the_api_cost_the_same_for_few_and_many_subjects(
    client: Any,
    workflow_with_owner: tuple[Workflow, Any],
    tail: str,
    shown: Callable[[Any], int] | None,
) -> None:
    workflow, owner = workflow_with_owner
    client.force_login(owner)

    assert_constant_queries(
        classified(workflow, owner), lambda: client.get(api(workflow, tail)), shown=shown
    )


def test_the_next_subjects_cost_the_same_for_few_and_many_waiting(client: Any) -> None:
    # No gold: whether a gold subject is drawn is random, and drawing one costs queries.
    workflow, _subjects, _owner = make_workflow(
        subjects=0, gold_rate_newcomer=0, gold_rate_experienced=0
    )
    subject_set = workflow.subject_sets.get()
    made = iter(range(10_000))

    def waiting(count: int) -> None:
        subjects = [
            Subject.objects.create(
                subject_set=subject_set,
                external_id=f"w{next(made)}",
                kind=Subject.Kind.TEXT,
                text="A striped visitor",
            )
            for _ in range(count)
        ]
        workflow_add_subjects(
            workflow=workflow, subjects=Subject.objects.filter(pk__in=[s.pk for s in subjects])
        )

    client.force_login(UserFactory())

    # More subjects wait than are asked for at both sizes: with fewer, assignment looks further
    # (fewer queries, not more), which is not what this compares.
    assert_constant_queries(
        waiting, lambda: ok(client.get(api(workflow, "next?count=5"))), sizes=(6, 30)
    )


@pytest.mark.parametrize(
    ("tail", "shown"),
    [
        ("results/", None),  # a summary: counts, not rows
        ("review/", lambda response: ok(response).content.count(b"Subject q")),
    ],
)
def test_the_results_and_review_pages_cost_the_same_for_few_and_many_subjects(
    client: Any,
    workflow_with_owner: tuple[Workflow, Any],
    tail: str,
    shown: Callable[[Any], int] | None,
) -> None:
    workflow, owner = workflow_with_owner
    client.force_login(owner)

    assert_constant_queries(
        classified(workflow, owner),
        lambda: ok(client.get(page(workflow, tail))),
        shown=shown,
    )


def test_the_workflows_cost_the_same_for_few_and_many(
    client: Any, workflow_with_owner: tuple[Workflow, Any]
) -> None:
    workflow, owner = workflow_with_owner
    made = iter(range(10_000))

    def create(count: int) -> None:
        for _ in range(count):
            workflow_create(
                actor=owner,
                project=workflow.project,
                name=f"Who visits {next(made)}?",
                tasks=[SPECIES_TASK],
                status=Workflow.Status.ACTIVE,
            )

    client.force_login(owner)

    assert_constant_queries(
        create,
        lambda: client.get(f"/api/v1/projects/{workflow.project.slug}/workflows"),
        shown=list_of,
    )
    assert_constant_queries(
        create, lambda: ok(client.get(f"/projects/{workflow.project.slug}/workflows/"))
    )


def test_talk_about_a_subject_costs_the_same_for_few_and_many_comments(client: Any) -> None:
    workflow, subjects, _owner = make_workflow(subjects=1)
    subject = subjects[0]
    made = iter(range(10_000))

    def talk(count: int) -> None:
        for _ in range(count):
            subject_comment_post(
                actor=UserFactory(), subject=subject, text=f"A #bumblebee, surely ({next(made)})"
            )

    client.force_login(UserFactory())
    slug = workflow.project.slug

    assert_constant_queries(
        talk,
        lambda: client.get(f"/api/v1/projects/{slug}/subjects/{subject.pk}/comments?limit=100"),
        shown=items_of,
    )
    assert_constant_queries(
        talk,
        lambda: client.get(f"/projects/{slug}/subjects/{subject.pk}/talk/"),
        shown=lambda response: ok(response).content.count(b"surely"),
    )


@pytest.mark.parametrize(
    "name", ["classifications.csv", "marks.csv", "results.csv", "probabilities.csv", "results.json"]
)
def test_the_exports_cost_the_same_for_few_and_many_subjects(
    client: Any, workflow_with_owner: tuple[Workflow, Any], name: str
) -> None:
    workflow, owner = workflow_with_owner
    client.force_login(owner)

    def download() -> bytes:
        response = ok(client.get(page(workflow, f"export/{name}")))
        return b"".join(response.streaming_content) if response.streaming else response.content

    def subjects_in(content: bytes) -> int:
        return content.count(b"q")

    # marks.csv holds drawn marks only: none for this single-choice task, so it stays empty.
    assert_constant_queries(
        classified(workflow, owner),
        download,
        shown=None if name == "marks.csv" else subjects_in,
    )
