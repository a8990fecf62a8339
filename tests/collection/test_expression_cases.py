"""The shared table of expression cases, run through the server's evaluator and JavaRosa.

JavaRosa (ODK Collect's engine) is the reference: the expected values in
`expression_cases.json` are what it answers, and a case where it answers otherwise fails here,
as does one where `xpath.py` does. The browser's evaluator runs the same table in
`tests/browser/test_expression_cases.py`.
"""

from pathlib import Path
from typing import Any

import pytest

from cslab.forms.answers import typed_value
from cslab.forms.xpath import Context, Value, evaluate, to_string
from tests.collection.expression_cases import (
    Case,
    agrees,
    cases,
    javarosa_classpath,
    javarosa_results,
    questions,
)

CASES = cases()


def server_result(case: Case) -> tuple[str, Any]:
    kinds = questions()

    def reference(name: str) -> Value:
        return typed_value(kinds[name], case.answers.get(name, ""))

    current = reference(case.current) if case.current else ""
    result = evaluate(case.expression, Context(reference=reference, current=current))
    if isinstance(result, bool):
        return ("boolean", result)
    if isinstance(result, float):
        return ("number", result)
    if isinstance(result, str):
        return ("string", result)
    return ("date", to_string(result))


def test_the_table_spreads_over_every_kind_of_result() -> None:
    kinds = {case.expected[0] for case in CASES}
    assert kinds == {"boolean", "number", "string", "date"}
    assert len(CASES) >= 100


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_server_evaluates_each_shared_case_as_javarosa_does(case: Case) -> None:
    kind, value = server_result(case)
    assert agrees(kind, value, case.expected), (kind, value)


def test_javarosa_evaluates_each_shared_case_as_the_table_says(tmp_path: Path) -> None:
    classpath = javarosa_classpath(tmp_path)
    results = javarosa_results(classpath, tmp_path, CASES)
    disagreements = [
        (case.expression, case.answers, case.expected, result)
        for case, result in zip(CASES, results, strict=True)
        if not agrees(*result, case.expected)
    ]
    assert disagreements == []
