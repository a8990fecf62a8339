"""Item 4 (docs/reliability.md A1, A2, A5): the authorisation matrix, every role × every endpoint.

Runs the cells of the permission matrix (tests/permission_matrix.py: one table of rows, each
stating the status every role must get, including another project's owner and an app user of
the private project) with the code of tests/test_permission_matrix.py, and counts the routes
(API operations and named pages) that have no row. The short form runs a seeded sample of the
cells (about a quarter: the whole matrix takes about 100 s); the full form runs every cell.

Pass: every cell asserted keeps the matrix (0 mismatches), and 0 routes without a row.
"""

import random
from typing import Any

import pytest

from tests.permission_matrix import ROLES, ROWS
from tests.test_permission_matrix import (
    Matrix,
    api_routes_without_rows,
    cell_mismatch,
    matrix_build,
    matrix_client,
    pages_without_rows,
)

pytestmark = pytest.mark.django_db

SEED = 18
# Project-scoped routes with no row on the private project: the staff's acknowledgement of a
# public project's edits, the last classification (a public workflow's), a draft's checklist.
KNOWN_WITHOUT_PRIVATE = {
    "project_acknowledge_edits",
    "/api/v1/projects/{slug}/workflows/{workflow}/classifications/last",
    "project_checklist",
}


def _cells(sample: int | None) -> list[tuple[str, int]]:
    """(role, row index) pairs: all, or a seeded sample that still has every role."""
    cells = [(role, index) for role in ROLES for index in range(len(ROWS))]
    if sample is None or sample >= len(cells):
        return cells
    chosen = set(random.Random(SEED).sample(cells, sample))  # noqa: S311 (a test sample)
    return sorted(chosen, key=lambda cell: (ROLES.index(cell[0]), cell[1]))


def _project_states(matrix: Matrix) -> dict[str, set[str]]:
    """For each route some row addresses a World project on: the projects its rows address."""
    world = matrix.world
    matrix_client(matrix, ROLES[1])
    slugs = {
        "public": world.public_project.slug,
        "private": world.team_project.slug,
        "draft": world.draft_project.slug,
    }
    states: dict[str, set[str]] = {}
    for row in ROWS:
        path = row.url(world).split("?")[0].split("/")
        found = {state for state, slug in slugs.items() if slug in path}
        if found:
            states.setdefault(row.route, set()).update(found)
    return states


def test_every_role_gets_what_the_matrix_says_and_every_route_has_a_row(
    scale: Any, report_figure: Any
) -> None:
    matrix: Matrix = matrix_build()
    cells = _cells(scale.pick(short=2000, full=None))
    mismatches: list[str] = []
    role = ""
    client = None
    for cell_role, index in cells:
        if cell_role != role:
            role, client = cell_role, matrix_client(matrix, cell_role)
        assert client is not None
        row = ROWS[index]
        mismatch = cell_mismatch(matrix, client, row, role)
        if mismatch is not None:
            mismatches.append(f"[{row.name}] {mismatch}")
    missing = sorted(api_routes_without_rows() | pages_without_rows())
    total = len(ROLES) * len(ROWS)
    states = _project_states(matrix)
    without_private = sorted(route for route, found in states.items() if "private" not in found)

    report_figure(
        item="4 authorisation matrix",
        measure=f"cells asserted (of {total}: {len(ROLES)} roles × {len(ROWS)} rows), "
        "mismatches, routes without a row",
        value=f"{len(cells)} asserted, {len(mismatches)} mismatches, {len(missing)} without a row",
        target="all cells (full), 0 mismatches, 0 routes without a row",
        passed=not mismatches and not missing,
    )
    report_figure(
        item="4 authorisation matrix",
        measure="project-scoped routes with a row on the public / private / draft project",
        value=" / ".join(
            str(sum(state in found for found in states.values()))
            for state in ("public", "private", "draft")
        )
        + f" of {len(states)}",
        target="every route on the private project",
        passed=set(without_private) <= KNOWN_WITHOUT_PRIVATE,
    )
    assert missing == [], f"routes without a row in the matrix: {missing}"
    assert mismatches == [], "\n".join(mismatches[:40])
    assert {cell_role for cell_role, _index in cells} == set(ROLES)
