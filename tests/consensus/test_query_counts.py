"""Query counts of the consensus lists (results, disputed subjects, runs), at two data sizes
(see `tests/query_counts.py`)."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.consensus.services.aggregation import aggregation_run
from tests.classification.helpers import make_workflow
from tests.classification.test_query_counts import api, classified, items_of
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("tail", "shown"),
    [
        ("aggregation/results?limit=100", items_of),
        ("aggregation/disputed?limit=100", items_of),
        ("aggregation/runs?limit=100", None),
    ],
)
def test_the_consensus_lists_cost_the_same_for_few_and_many_subjects(
    client: Any, tail: str, shown: Callable[[Any], int] | None
) -> None:
    workflow, _subjects, owner = make_workflow(subjects=0, retirement_count=2)
    client.force_login(owner)

    assert_constant_queries(
        classified(workflow, owner), lambda: client.get(api(workflow, tail)), shown=shown
    )


def test_the_runs_cost_the_same_for_few_and_many(client: Any) -> None:
    workflow, _subjects, owner = make_workflow(subjects=3, retirement_count=2)

    def run(count: int) -> None:
        for _ in range(count):
            aggregation_run(actor=owner, workflow=workflow, method="majority", full=True)

    client.force_login(owner)

    assert_constant_queries(
        run, lambda: client.get(api(workflow, "aggregation/runs?limit=100")), shown=items_of
    )
