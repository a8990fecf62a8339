"""The shared table of expression cases (tests/collection/expression_cases.json), run through the
web form's evaluator (`webform/expressions.js`) in Chromium: it must answer what JavaRosa and the
server answer. The questions' types are given to the evaluator as the web form gives them."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.collection.expression_cases import agrees, cases, questions

pytestmark = pytest.mark.browser

EXPRESSIONS_JS = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "cslab"
    / "collection"
    / "static"
    / "collection"
    / "webform"
    / "expressions.js"
)
# Each result as [kind, value]: the kind the evaluator's value has, and its text (numbers as
# numbers, with NaN and the infinities as text).
EVALUATE_ALL = """
([cases, types]) => cases.map((item) => {
  const E = CslabExpressions;
  let result;
  try {
    result = E.evaluate(item.expression, {
      lookup: (name) => item.answers[name] === undefined ? "" : item.answers[name],
      type: (name) => types[name],
      current: item.current ? (item.answers[item.current] || "") : "",
      currentType: item.current ? types[item.current] : undefined,
    });
  } catch (error) {
    return ["error", String(error.message || error)];
  }
  if (typeof result === "boolean") return ["boolean", result];
  if (typeof result === "number") {
    return ["number", Number.isFinite(result) ? result : String(result)];
  }
  if (E.isDateValue && E.isDateValue(result)) return ["date", E.toText(result)];
  return [typeof result === "string" ? "string" : typeof result, E.toText(result)];
})
"""


@pytest.fixture
def blank_page(chromium: Any) -> Iterator[Any]:
    """A page with only the evaluator: no server, no database."""
    context = chromium.new_context()
    page = context.new_page()
    page.set_content("<!DOCTYPE html><title>expressions</title><p>cases</p>")
    page.add_script_tag(content=EXPRESSIONS_JS.read_text())
    yield page
    context.close()


def test_the_browser_evaluates_each_shared_case_as_javarosa_does(blank_page: Any) -> None:
    all_cases = cases()
    rows = [
        {"expression": case.expression, "answers": case.answers, "current": case.current}
        for case in all_cases
    ]
    results = blank_page.evaluate(EVALUATE_ALL, [rows, questions()])
    disagreements = [
        (case.expression, case.answers, case.expected, result)
        for case, result in zip(all_cases, results, strict=True)
        if not agrees(result[0], result[1], case.expected)
    ]
    assert disagreements == [], "\n".join(map(repr, disagreements))
