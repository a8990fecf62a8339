"""The server's XPath evaluator for XLSForm rules: operators, coercion, functions, errors.

Expected values follow JavaRosa (ODK Collect's form engine) where it differs from XPath 1.0;
several rows were checked against JavaRosa itself (see test_answers.py for the live comparison).
"""

import math
from datetime import UTC, date, datetime
from typing import Any

import pytest

from cslab.forms.answers import validate_answers
from cslab.forms.xpath import (
    FUNCTIONS,
    MAX_DEPTH,
    Binary,
    Context,
    ExpressionLimitError,
    Literal,
    NodeSet,
    UnsupportedExpressionError,
    Value,
    XPathError,
    evaluate,
    evaluate_boolean,
    parse,
    references_in,
    regex_risk,
    to_boolean,
    to_number,
    to_string,
)

NOW = datetime(2026, 5, 1, 14, 30, tzinfo=UTC)

ANSWERS: dict[str, Value] = {
    "count": 7.0,
    "name": "Robin Hood",
    "empty": "",
    "behaviour": "feeding singing",
    "seen_on": date(2020, 1, 5),
    "counts": NodeSet((3.0, 4.0, "")),
    "flag": True,
}


def context(current: Value = "", position: int = 1) -> Context:
    def reference(name: str) -> Value:
        if name not in ANSWERS:
            raise XPathError(f"no question {name}")
        return ANSWERS[name]

    return Context(
        reference=reference,
        current=current,
        position=position,
        every=lambda name: NodeSet((10.0, 20.0, 30.0)),
        now=NOW,
    )


def same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return bool(type(actual) is type(expected) and actual == expected)


OPERATORS = [
    ("1 + 2", 3.0),
    ("5 - 7", -2.0),
    ("2 * 3", 6.0),
    ("5 div 2", 2.5),
    ("7 mod 3", 1.0),
    ("-7 mod 3", -1.0),  # the sign of the dividend, as in Java
    ("1 div 0", math.inf),
    ("-1 div 0", -math.inf),
    ("0 div 0", math.nan),
    ("5 mod 0", math.nan),
    ("-3", -3.0),
    ("--1", 1.0),
    ("1 - -1", 2.0),
    ("1 = 1", True),
    ("1 != 1", False),
    ("1 < 2", True),
    ("2 <= 2", True),
    ("3 > 4", False),
    ("4 >= 4", True),
    ("1 = 1 and 2 = 3", False),
    ("1 = 1 or 2 = 3", True),
    ("not(1 = 1) or 2 > 1 and 3 < 2", False),
]

PRECEDENCE = [
    ("2 + 3 * 4", 14.0),
    ("(2 + 3) * 4", 20.0),
    ("10 - 4 - 3", 3.0),  # left to right
    ("12 div 3 div 2", 2.0),
    ("1 + 1 = 2", True),
    ("1 < 2 = true()", True),  # relational binds tighter than equality
    ("-2 * -2", 4.0),
    ("true() or false() and false()", True),  # and binds tighter than or
    ("${count} * 2 > 10 and ${count} mod 2 = 1", True),
]

COERCION = [
    ("'2' = 2.0", True),  # a number on one side: compare as numbers
    ("'03' = 3", True),
    ("'abc' < 'abd'", False),  # < compares numbers; text that is not one is NaN
    ("0 = ''", False),  # the empty string is NaN, not 0
    ("true() = 'false'", True),  # a boolean on one side: non-empty text is true
    ("1 = true()", True),
    ("number('')", math.nan),
    ("number(' 12 ')", 12.0),
    ("number('1e3')", math.nan),  # XPath numbers have no exponent
    ("number('-.5')", -0.5),
    ("number(true())", 1.0),
    ("boolean('')", False),
    ("boolean('0')", True),  # non-empty text is true, even "0"
    ("boolean(0)", False),
    ("boolean(0 div 0)", False),
    ("string(2.0)", "2"),
    ("string(2.5)", "2.5"),
    ("string(0.1 + 0.2)", "0.30000000000000004"),
    ("string(1 div 0)", "Infinity"),
    ("string(0 div 0)", "NaN"),
    ("string(true())", "true"),
    ("${seen_on} = '2020-01-05'", True),  # a date equals its text
    ("${seen_on} = 18266", True),  # and, as a number, its days since 1970-01-01
    ("${seen_on} > 18265", True),
    ("${seen_on} > '2020-01-04'", False),  # text is not converted to a date by <, >
    ("${seen_on} > date('2020-01-04')", True),
    ("${seen_on} < today()", True),
    ("today() - ${seen_on}", 2308.0),
    ("${empty} = ''", True),
    ("${empty} < 1", False),
    ("${count} = '7'", True),
    ("${counts} = 4", True),  # a node list matches when one of its nodes does
    ("${counts} = 5", False),
    ("${counts} != 3", True),
    ("${flag}", True),
]

FUNCTION_CALLS = [
    ("selected(${behaviour}, 'singing')", True),
    ("selected(${behaviour}, 'sing')", False),
    ("selected('a b', ' b ')", True),
    ("count-selected('a  b ')", 2.0),
    ("count-selected('')", 0.0),
    ("selected-at('a b', 1)", "b"),
    ("selected-at('a b', 5)", ""),
    ("string-length(${name})", 10.0),
    ("string-length('')", 0.0),
    ("regex('abc', 'a.c')", True),
    ("regex('abc', 'b')", False),  # JavaRosa matches the whole value
    ("regex('0612345678', '06[0-9]{8}')", True),
    ("contains(${name}, 'bin')", True),
    ("starts-with(${name}, 'Rob')", True),
    ("ends-with(${name}, 'Hood')", True),
    ("ends-with(${name}, 'Rob')", False),
    ("substring('12345', 2, 3)", "234"),
    ("substring('12345', 1.5, 2.6)", "234"),  # XPath 1.0 rounds the positions
    ("substring('12345', 3)", "345"),
    ("substr('12345', 1, 3)", "23"),  # ODK's 0-based substr()
    ("concat('a', 1, true())", "a1true"),
    ("concat()", ""),
    ("join('-', ${counts})", "3-4-"),
    ("normalize-space('  a   b ')", "a b"),
    ("translate('abc', 'ab', 'A')", "Ac"),
    ("if(${count} > 5, 'big', 'small')", "big"),
    ("if(false(), 1 div 0, 'lazy')", "lazy"),
    ("coalesce('', 'x')", "x"),
    ("coalesce('y', 'x')", "y"),
    ("not(true())", False),
    ("true()", True),
    ("false()", False),
    ("boolean-from-string('true')", True),
    ("boolean-from-string('yes')", False),
    ("number('7.5')", 7.5),
    ("int(-2.7)", -2.0),
    ("int('7.9')", 7.0),
    ("round(2.5)", 3.0),
    ("round(-2.5)", -2.0),  # XPath rounds halves up, towards positive infinity
    ("round(1.2345, 2)", 1.23),
    ("floor(-1.5)", -2.0),
    ("ceiling(1.2)", 2.0),
    ("abs(-3)", 3.0),
    ("pow(2, 10)", 1024.0),
    ("sqrt(16)", 4.0),
    ("string(12)", "12"),
    ("date(0)", date(1970, 1, 1)),
    ("date(18266)", date(2020, 1, 5)),
    ("date('2020-01-05') = 18266", True),
    ("string(date(18266))", "2020-01-05"),
    ("date('')", ""),
    ("date-time('2020-01-05T10:00:00Z')", datetime(2020, 1, 5, 10, tzinfo=UTC)),
    ("decimal-date-time('1970-01-02T12:00:00Z')", 1.5),
    ("decimal-date-time(${seen_on})", 18266.0),
    ("today()", date(2026, 5, 1)),
    ("now()", NOW),
    ("count(${counts})", 3.0),
    ("count(${count})", 1.0),  # a question outside a repeat is one node
    ("sum(${counts})", math.nan),  # an empty answer is NaN, as in XPath
    ("sum(${count})", 7.0),
    ("min(3, 1, 2)", 1.0),
    ("max('', 2)", 2.0),  # JavaRosa leaves empty values out
    ("max(${counts})", 4.0),
    ("min('')", math.nan),
    ("position(..)", 3.0),
    ("position()", 3.0),
    ("indexed-repeat(${count}, ${counts}, 2)", 20.0),
    ("indexed-repeat(${count}, ${counts}, 9)", ""),
    ("once(${count})", 7.0),
    (". > 5", True),
]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [pytest.param(e, v, id=f"operator {e}") for e, v in OPERATORS]
    + [pytest.param(e, v, id=f"precedence {e}") for e, v in PRECEDENCE]
    + [pytest.param(e, v, id=f"coercion {e}") for e, v in COERCION]
    + [pytest.param(e, v, id=f"function {e}") for e, v in FUNCTION_CALLS],
)
def test_expressions_evaluate_as_in_odk(expression: str, expected: Value) -> None:
    actual = evaluate(expression, context(current=9.0, position=3))
    assert same(actual, expected), f"{expression} gave {actual!r}, expected {expected!r}"


def test_every_listed_function_is_exercised_by_a_row() -> None:
    rows = [*OPERATORS, *PRECEDENCE, *COERCION, *FUNCTION_CALLS]
    called = " ".join(expression for expression, _value in rows)
    assert [name for name in FUNCTIONS if f"{name}(" not in called] == []


@pytest.mark.parametrize(
    ("expression", "error", "words"),
    [
        pytest.param(
            "pulldata('fruits', 'name', 'key', 'x')",
            UnsupportedExpressionError,
            "pulldata",
            id="pulldata-needs-an-attached-file",
        ),
        pytest.param(
            "instance('species')/root/item[name = 'x']/label",
            UnsupportedExpressionError,
            "not supported",
            id="instance-lookups-need-an-attached-file",
        ),
        pytest.param(
            "/data/group/name = 'x'",
            UnsupportedExpressionError,
            "Absolute paths",
            id="absolute-paths-are-not-used-in-xlsform-rows",
        ),
        pytest.param(
            "jr:choice-name(${name}, '${name}')",
            UnsupportedExpressionError,
            "jr:choice-name",
            id="unknown-function-names-itself",
        ),
        pytest.param(
            "frobnicate(1)", UnsupportedExpressionError, "frobnicate()", id="unknown-function"
        ),
        pytest.param("1 +", XPathError, "ends too early", id="incomplete"),
        pytest.param("(1 + 2", XPathError, "Expected “)”", id="unclosed-bracket"),
        pytest.param("'open", XPathError, "no closing quote", id="unclosed-quote"),
        pytest.param("1 # 2", XPathError, "“#” at character 3", id="stray-character"),
        pytest.param("", XPathError, "empty", id="empty"),
        pytest.param(
            "selected('a')", XPathError, "takes 2 arguments, not 1", id="too-few-arguments"
        ),
        pytest.param("not(1, 2)", XPathError, "takes 1 arguments, not 2", id="too-many-arguments"),
        pytest.param("regex('a', '(')", XPathError, "pattern is not valid", id="bad-regex"),
        pytest.param("date('soon')", XPathError, "not a date", id="bad-date"),
        pytest.param("round(1.5, 400)", XPathError, "out of range", id="round-overflow"),
        pytest.param("round(1.5, -400)", XPathError, "out of range", id="round-underflow"),
        pytest.param("substr('abc', 1 div 0)", XPathError, "out of range", id="infinite-position"),
        pytest.param("${missing} = 1", XPathError, "missing", id="unknown-question"),
        pytest.param(
            "position(${count})",
            UnsupportedExpressionError,
            "position(..)",
            id="position-of-something-else",
        ),
    ],
)
def test_expressions_the_server_cannot_evaluate_raise_a_clear_error(
    expression: str, error: type[XPathError], words: str
) -> None:
    with pytest.raises(error) as raised:
        evaluate(expression, context())
    assert words in str(raised.value)


def test_unsupported_expressions_are_xpath_errors_so_one_except_catches_both() -> None:
    assert issubclass(UnsupportedExpressionError, XPathError)


def test_today_needs_a_clock_because_the_evaluator_reads_none() -> None:
    with pytest.raises(XPathError, match="current time"):
        evaluate("today()", Context())


def test_or_and_and_do_not_evaluate_the_side_they_do_not_need() -> None:
    # The right-hand sides would fail: an unknown question.
    assert evaluate_boolean("1 = 1 or ${missing} = 2", context()) is True
    assert evaluate_boolean("1 = 2 and ${missing} = 2", context()) is False


def test_the_current_value_is_dot() -> None:
    assert evaluate_boolean(". >= 0 and . <= 10", context(current=4.0))
    assert not evaluate_boolean(". >= 0 and . <= 10", context(current=11.0))
    assert evaluate_boolean("regex(., '[A-Z]{2}')", context(current="NL"))


def test_parsing_is_cached_and_lists_the_referenced_questions() -> None:
    tree = parse("if(selected(${a}, 'x'), ${b} + 1, count(${c}))")
    assert parse("if(selected(${a}, 'x'), ${b} + 1, count(${c}))") is tree
    assert references_in(tree) == {"a", "b", "c"}


@pytest.mark.parametrize(
    ("value", "number", "text", "truth"),
    [
        ("", math.nan, "", False),
        ("12", 12.0, "12", True),
        ("x", math.nan, "x", True),
        (3.0, 3.0, "3", True),
        (0.0, 0.0, "0", False),
        (True, 1.0, "true", True),
        (date(1970, 1, 11), 10.0, "1970-01-11", True),
        (datetime(1970, 1, 1, 6, tzinfo=UTC), 0.25, "1970-01-01T06:00:00.000+00:00", True),
        (NodeSet(()), math.nan, "", False),
        (NodeSet(("5", "6")), 5.0, "5", True),
    ],
)
def test_conversions_follow_xpath(value: Value, number: float, text: str, truth: bool) -> None:
    assert same(to_number(value), number)
    assert to_string(value) == text
    assert to_boolean(value) is truth


# --- hostile rules: anyone who starts a project may publish a form --------------------------


def test_a_regex_that_backtracks_without_end_times_out_as_a_form_rule_error() -> None:
    # Each extra "a" doubles the work of (a|a)*$ on a value that does not match.
    with pytest.raises(ExpressionLimitError, match="timed out"):
        evaluate("regex(., '(a|a)*$')", Context(current="a" * 40 + "!"))


def test_the_regex_of_the_attack_answers_false() -> None:
    assert evaluate("regex(., '(a+)+$')", Context(current="a" * 26 + "!")) is False


@pytest.mark.parametrize(
    "expression",
    [
        pytest.param("(" * 600 + "1" + ")" * 600, id="600-nested-brackets"),
        pytest.param("-" * 600 + "1", id="600-minus-signs"),
        pytest.param("not(" * 600 + "true()" + ")" * 600, id="600-nested-calls"),
        pytest.param(" or ".join(["1"] * 3000), id="a-chain-3000-long"),
    ],
)
def test_an_expression_nested_too_deep_is_refused_not_a_recursion_error(
    expression: str,
) -> None:
    with pytest.raises(ExpressionLimitError, match=f"more than {MAX_DEPTH} levels"):
        evaluate(expression)


def test_an_expression_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(ExpressionLimitError, match="longer than"):
        parse("1" + " + 1" * 10_000)


def test_a_deep_tree_built_without_the_parser_is_a_form_rule_error() -> None:
    tree: Any = Literal(1.0)
    for _level in range(5_000):
        tree = Binary("+", tree, Literal(1.0))
    with pytest.raises(ExpressionLimitError):
        evaluate(tree)


def test_long_ordinary_rules_still_work() -> None:
    rule = " or ".join(f"selected(${{behaviour}}, 'b{number}')" for number in range(90))
    assert evaluate_boolean(rule, context()) is False
    assert evaluate("(" * 40 + "1" + ")" * 40) == 1.0


def test_a_stored_form_with_a_too_deep_rule_is_a_form_rule_error_not_a_server_error() -> None:
    # Published before the limits existed: checking an answer must not raise.
    deep = "(" * 600 + ". > 0" + ")" * 600
    source = {"survey": [{"type": "integer", "name": "count", "constraint": deep}]}
    assert validate_answers(source, {"count": 3}) == {}


@pytest.mark.parametrize(
    ("pattern", "risk"),
    [
        ("(a+)+$", "nested-repetition"),
        ("^([A-Za-z]+ ?)*$", "nested-repetition"),
        ("(x*){20}", "nested-repetition"),
        (r"(\w)\1", "back-reference"),
        ("^[0-9]{4} ?[A-Z]{2}$", None),
        (r"^(\d{1,3}\.){3}\d{1,3}$", None),
        (r"^(\d{3}-)+\d{4}$", None),
        ("(a|b)*", None),
        ("[", None),  # not valid at all: the evaluator says so
    ],
)
def test_regex_risk_names_the_patterns_that_backtrack_catastrophically(
    pattern: str, risk: str | None
) -> None:
    assert regex_risk(pattern) == risk
