"""Evaluating XLSForm expressions (`relevant`, `constraint`, `required`) on the server.

Pure: an expression and a :class:`Context` in, a value out; no ORM, settings or clock (the
caller passes `now`). Only the XPath 1.0 subset that XLSForms use is understood:

* `${name}` references, resolved by the caller's `Context.reference` (so that a reference inside
  a repeat can mean the sibling in the same repeat instance, and one from outside the list of
  all instances, as a :class:`NodeSet`); `.` is the current question's value;
* string and number literals; `or and = != < <= > >= + - * div mod`, unary minus and `|`;
* the functions in :data:`FUNCTIONS` (ODK's `selected()`, `count-selected()`, `regex()`, `if()`,
  `today()`, `date()` and friends, with JavaRosa's semantics where they differ from XPath 1.0).

Values follow JavaRosa's types: text is `str`, numbers `float`, booleans `bool`, dates `date`,
date-times `datetime` and node lists `NodeSet`. Conversions follow XPath 1.0 as JavaRosa applies
them: a string is a number only when it looks like one (`"1e3"` and `"2020-01-05"` are NaN);
a date in a numeric context is the number of days since 1970-01-01 (a date-time adds the
fraction of the day); `=` compares as booleans if either side is one, else as numbers if either
side is a number, else as strings (so a date equals its `YYYY-MM-DD` text); `<` and friends
always compare numbers.

Absolute paths (`/data/name`), predicates, `instance(...)` and functions the server lacks such
as `pulldata()` raise :class:`UnsupportedExpressionError`; syntax errors and wrong arguments raise
:class:`XPathError` (its base class). Callers decide what an error means for a submission.

Anyone who may start a project may publish a form, so an expression is hostile input: one longer
than :data:`MAX_LENGTH` characters or nested deeper than :data:`MAX_DEPTH` raises
:class:`ExpressionLimitError` before anything recursive looks at it, and `regex()` runs with a
time limit (:data:`REGEX_SECONDS`), so no expression can hold a request or exhaust the stack.
:func:`regex_risk` tells publishing which patterns would backtrack without end in a browser,
whose regular expressions have no time limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, NoReturn, TypeAlias

import regex

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "REGEX_SECONDS",
    "Context",
    "Expression",
    "ExpressionLimitError",
    "NodeSet",
    "UnsupportedExpressionError",
    "Value",
    "XPathError",
    "evaluate",
    "evaluate_boolean",
    "parse",
    "references_in",
    "regex_risk",
    "to_boolean",
    "to_number",
    "to_string",
]


class XPathError(ValueError):
    """An expression that cannot be parsed or evaluated."""


class UnsupportedExpressionError(XPathError):
    """An expression that uses something the server does not have (a function, a path, data)."""


class ExpressionLimitError(XPathError):
    """An expression too long or too deeply nested to evaluate safely, or too slow a regex."""


# Far above what real forms use (their longest rules are a few hundred characters, nested a few
# levels), and low enough that parsing and evaluating stay well inside Python's recursion limit:
# each level of the tree costs a few stack frames.
MAX_LENGTH = 20_000
MAX_DEPTH = 100
# regex() gives up after this long (a pattern such as (a+)+$ doubles its time with each letter).
REGEX_SECONDS = 0.1


@dataclass(frozen=True)
class NodeSet:
    """The values of several nodes, e.g. one question in every instance of a repeat."""

    values: tuple[Value, ...] = ()


Scalar: TypeAlias = str | float | bool | date | datetime
Value: TypeAlias = Scalar | NodeSet

EPOCH = date(1970, 1, 1)
_NUMBER_TEXT = re.compile(r"\s*-?(\d+(\.\d*)?|\.\d+)\s*")


def _no_references(name: str) -> Value:
    raise XPathError(f"The question “{name}” is not known here.")


@dataclass(frozen=True)
class Context:
    """What an expression is evaluated against.

    `reference(name)` returns the value of `${name}`; `current` is the value of `.`; `position`
    is the 1-based position of the current repeat instance (`position(..)`); `every(name)` returns
    the question in every repeat instance (for `indexed-repeat()`); `now` is the clock of
    `today()` and `now()` (an aware datetime; without one they raise XPathError).
    """

    reference: Callable[[str], Value] = _no_references
    current: Value = ""
    position: int = 1
    every: Callable[[str], NodeSet] | None = None
    now: datetime | None = None


# ---------------------------------------------------------------------------------------------
# Conversions (XPath 1.0 as JavaRosa applies them)


def _first(value: Value) -> Scalar:
    while isinstance(value, NodeSet):
        value = value.values[0] if value.values else ""
    return value


def to_number(value: Value) -> float:
    """XPath number(): NaN for text that is not a plain decimal number."""
    value = _first(value)
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float | int):
        return float(value)
    if isinstance(value, datetime):
        return _days_since_epoch(value)
    if isinstance(value, date):
        return float((value - EPOCH).days)
    if _NUMBER_TEXT.fullmatch(value):
        return float(value)
    return math.nan


def to_string(value: Value) -> str:
    """XPath string(): whole numbers without a decimal point, dates as ISO 8601."""
    value = _first(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | int):
        return _number_text(float(value))
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_boolean(value: Value) -> bool:
    """XPath boolean(): a node list is true when not empty, a number when not 0 or NaN."""
    if isinstance(value, NodeSet):
        return bool(value.values)
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, date):
        return True
    return value != ""


def _number_text(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _days_since_epoch(moment: datetime) -> float:
    # The wall-clock date and time where it was recorded, as JavaRosa does on the device.
    wall = moment.replace(tzinfo=None)
    return (wall - datetime(1970, 1, 1)).total_seconds() / 86400  # noqa: DTZ001


def _date_from_text(text: str) -> date | datetime | None:
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment


# ---------------------------------------------------------------------------------------------
# Tokens

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<reference>\$\{\s*(?P<reference_name>[A-Za-z_][\w.\-]*)\s*\})
  | (?P<number>\d+(\.\d*)?|\.\d+)
  | (?P<string>"[^"]*"|'[^']*')
  | (?P<operator>!=|<=|>=|\.\.|//|[=<>+\-*|(),/.\[\]@])
  | (?P<name>[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # reference, number, string, operator, name, end
    text: str
    offset: int


def _tokens(expression: str) -> list[_Token]:
    found: list[_Token] = []
    offset = 0
    while offset < len(expression):
        match = _TOKEN.match(expression, offset)
        if match is None and expression[offset] in "'\"":
            raise XPathError(f"The text at character {offset + 1} has no closing quote.")
        if match is None:
            raise XPathError(f"Unexpected “{expression[offset]}” at character {offset + 1}.")
        kind = match.lastgroup or ""
        if kind == "reference_name":
            kind = "reference"
        if kind == "reference":
            found.append(_Token("reference", match.group("reference_name"), offset))
        elif kind == "string":
            found.append(_Token("string", match.group()[1:-1], offset))
        elif kind != "space":
            found.append(_Token(kind, match.group(), offset))
        offset = match.end()
    found.append(_Token("end", "", len(expression)))
    return found


# ---------------------------------------------------------------------------------------------
# Syntax tree


@dataclass(frozen=True)
class Literal:
    value: Value


@dataclass(frozen=True)
class Reference:
    name: str


@dataclass(frozen=True)
class Current:
    """`.`, the value of the question being checked."""


@dataclass(frozen=True)
class Parent:
    """`..`, only meaningful as the argument of position()."""


@dataclass(frozen=True)
class Negate:
    operand: Expression


@dataclass(frozen=True)
class Binary:
    operator: str
    left: Expression
    right: Expression


@dataclass(frozen=True)
class Call:
    name: str
    arguments: tuple[Expression, ...] = field(default=())


Expression: TypeAlias = Literal | Reference | Current | Parent | Negate | Binary | Call

# Binding power of the infix operators: higher binds tighter.
_INFIX = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
    "|": 8,
}
_UNARY_POWER = 7
_WORD_OPERATORS = frozenset({"or", "and", "div", "mod"})


class _Parser:
    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = _tokens(expression)
        self.index = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.kind != "operator" or token.text != text:
            raise XPathError(
                f"Expected “{text}” at character {token.offset + 1} of “{self.expression}”."
            )

    def parse(self) -> Expression:
        tree = self.expression_at(0)
        token = self.peek()
        if token.kind != "end":
            self.unexpected(token)
        return tree

    def expression_at(self, power: int) -> Expression:
        # Brackets, arguments and operators on the right nest here; refuse before Python's own
        # recursion limit would (a RecursionError is a server error, not the form's).
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _too_deep()
        left = self.prefix()
        while True:
            operator = self.infix_operator()
            if operator is None or _INFIX[operator] <= power:
                self.depth -= 1
                return left
            self.take()
            right = self.expression_at(_INFIX[operator])
            left = Binary(operator, left, right)

    def infix_operator(self) -> str | None:
        token = self.peek()
        if token.kind == "operator" and token.text in _INFIX:
            return token.text
        if token.kind == "name" and token.text in _WORD_OPERATORS:
            return token.text
        if token.kind == "operator" and token.text in ("/", "//", "["):
            raise UnsupportedExpressionError(
                f"Paths and predicates (“{token.text}”) are not supported on the server."
            )
        return None

    def prefix(self) -> Expression:
        token = self.take()
        if token.kind == "number":
            return Literal(float(token.text))
        if token.kind == "string":
            return Literal(token.text)
        if token.kind == "reference":
            return Reference(token.text)
        if token.kind == "operator":
            if token.text == "-":
                return Negate(self.expression_at(_UNARY_POWER))
            if token.text == "(":
                inner = self.expression_at(0)
                self.expect(")")
                return inner
            if token.text == ".":
                return Current()
            if token.text == "..":
                return Parent()
            if token.text in ("/", "//", "@"):
                raise UnsupportedExpressionError(
                    "Absolute paths are not supported on the server; use ${name}."
                )
        if token.kind == "name":
            following = self.peek()
            if following.kind == "operator" and following.text == "(":
                return self.call(token.text)
            raise UnsupportedExpressionError(
                f"The path “{token.text}” is not supported on the server; use ${{name}}."
            )
        self.unexpected(token)

    def call(self, name: str) -> Call:
        self.expect("(")
        arguments: list[Expression] = []
        if not (self.peek().kind == "operator" and self.peek().text == ")"):
            arguments.append(self.expression_at(0))
            while self.peek().kind == "operator" and self.peek().text == ",":
                self.take()
                arguments.append(self.expression_at(0))
        self.expect(")")
        return Call(name, tuple(arguments))

    def unexpected(self, token: _Token) -> NoReturn:
        if token.kind == "end":
            raise XPathError(f"“{self.expression}” ends too early.")
        raise XPathError(
            f"Unexpected “{token.text}” at character {token.offset + 1} of “{self.expression}”."
        )


def _too_deep() -> ExpressionLimitError:
    return ExpressionLimitError(
        f"The expression is nested more than {MAX_DEPTH} levels deep; split it into "
        "calculate questions."
    )


@lru_cache(maxsize=2048)
def parse(expression: str) -> Expression:
    """Parse an XLSForm expression into a syntax tree (cached), or raise XPathError.

    ExpressionLimitError when it is longer than MAX_LENGTH characters or its tree deeper than
    MAX_DEPTH (brackets, or a long chain such as `a or b or c …`, which nests to the left).
    """
    if not expression.strip():
        raise XPathError("The expression is empty.")
    if len(expression) > MAX_LENGTH:
        raise ExpressionLimitError(
            f"The expression is longer than {MAX_LENGTH} characters; split it into calculate "
            "questions."
        )
    tree = _Parser(expression).parse()
    if _depth(tree) > MAX_DEPTH:
        raise _too_deep()
    return tree


def _depth(tree: Expression) -> int:
    """The depth of a syntax tree, without recursion (the tree may be deeper than the stack)."""
    deepest = 0
    pending: list[tuple[Expression, int]] = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        if isinstance(node, Negate):
            pending.append((node.operand, depth + 1))
        elif isinstance(node, Binary):
            pending += [(node.left, depth + 1), (node.right, depth + 1)]
        elif isinstance(node, Call):
            pending += [(argument, depth + 1) for argument in node.arguments]
    return deepest


def references_in(expression: Expression) -> set[str]:
    """Return the names of the `${name}` references in a syntax tree."""
    if isinstance(expression, Reference):
        return {expression.name}
    if isinstance(expression, Negate):
        return references_in(expression.operand)
    if isinstance(expression, Binary):
        return references_in(expression.left) | references_in(expression.right)
    if isinstance(expression, Call):
        return set().union(*(references_in(argument) for argument in expression.arguments))
    return set()


# ---------------------------------------------------------------------------------------------
# Evaluation


def evaluate(expression: str | Expression, context: Context | None = None) -> Value:
    """Evaluate an expression (text or parsed) against a context; raise XPathError."""
    tree = parse(expression) if isinstance(expression, str) else expression
    try:
        return _evaluate(tree, context or Context())
    except ArithmeticError as error:
        # Answers reach the numbers (round(., ${digits}), substr(., 1 div ${zero})): a number
        # out of range is the expression's failure, not the server's.
        raise XPathError(f"A number is out of range ({error}).") from None
    except RecursionError:
        # parse() bounds the depth; a tree built by hand, or a caller already deep in its own
        # stack, can still meet the limit: that is the expression's failure too.
        raise _too_deep() from None


def evaluate_boolean(expression: str | Expression, context: Context | None = None) -> bool:
    """Evaluate an expression as a condition, as `relevant` and `constraint` are."""
    return to_boolean(evaluate(expression, context))


def _evaluate(tree: Expression, context: Context) -> Value:
    if isinstance(tree, Literal):
        return tree.value
    if isinstance(tree, Reference):
        return context.reference(tree.name)
    if isinstance(tree, Current):
        return context.current
    if isinstance(tree, Parent):
        raise UnsupportedExpressionError("“..” is only supported inside position(..).")
    if isinstance(tree, Negate):
        return -to_number(_evaluate(tree.operand, context))
    if isinstance(tree, Binary):
        return _binary(tree, context)
    return _call(tree, context)


def _binary(tree: Binary, context: Context) -> Value:
    operator = tree.operator
    if operator == "or":
        return to_boolean(_evaluate(tree.left, context)) or to_boolean(
            _evaluate(tree.right, context)
        )
    if operator == "and":
        return to_boolean(_evaluate(tree.left, context)) and to_boolean(
            _evaluate(tree.right, context)
        )
    left = _evaluate(tree.left, context)
    right = _evaluate(tree.right, context)
    if operator in ("=", "!=", "<", "<=", ">", ">="):
        return _compare(operator, left, right)
    if operator == "|":
        return NodeSet(_as_nodes(left) + _as_nodes(right))
    return _arithmetic(operator, to_number(left), to_number(right))


def _as_nodes(value: Value) -> tuple[Value, ...]:
    if isinstance(value, NodeSet):
        return value.values
    raise XPathError("“|” joins node lists only.")


def _compare(operator: str, left: Value, right: Value) -> bool:
    # XPath 1.0: a comparison with a node list holds when it holds for one of its nodes, except
    # against a boolean, which compares with the node list's own truth.
    if isinstance(left, NodeSet) and not isinstance(right, bool):
        return any(_compare(operator, node, right) for node in left.values)
    if isinstance(right, NodeSet) and not isinstance(left, bool):
        return any(_compare(operator, left, node) for node in right.values)
    if operator in ("=", "!="):
        equal = _equal(left, right)
        return equal if operator == "=" else not equal
    a, b = to_number(left), to_number(right)
    if operator == "<":
        return a < b
    if operator == "<=":
        return a <= b
    if operator == ">":
        return a > b
    return a >= b


def _equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if isinstance(left, float | int) or isinstance(right, float | int):
        return to_number(left) == to_number(right)
    return to_string(left) == to_string(right)


def _arithmetic(operator: str, a: float, b: float) -> float:
    if operator == "+":
        return a + b
    if operator == "-":
        return a - b
    if operator == "*":
        return a * b
    if operator == "div":
        if b == 0:
            return (
                math.nan
                if a == 0 or math.isnan(a)
                else math.copysign(math.inf, a) * (math.copysign(1, b))
            )
        return a / b
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)  # the sign of the dividend, as in Java and XPath


# ---------------------------------------------------------------------------------------------
# Functions

_Arguments = Sequence[Value]


def _call(tree: Call, context: Context) -> Value:
    name = tree.name
    if name == "if":
        _arity(name, tree.arguments, 3, 3)
        chosen = (
            tree.arguments[1]
            if to_boolean(_evaluate(tree.arguments[0], context))
            else (tree.arguments[2])
        )
        return _evaluate(chosen, context)
    if name == "position":
        _arity(name, tree.arguments, 0, 1)
        if tree.arguments and not isinstance(tree.arguments[0], Parent):
            raise UnsupportedExpressionError("Only position() and position(..) are supported.")
        return float(context.position)
    if name == "indexed-repeat":
        return _indexed_repeat(tree, context)
    if name in ("today", "now"):
        _arity(name, tree.arguments, 0, 0)
        if context.now is None:
            raise XPathError(f"{name}() needs the current time.")
        return context.now.date() if name == "today" else context.now
    function = FUNCTIONS.get(name)
    if function is None:
        raise UnsupportedExpressionError(f"The function “{name}()” is not supported on the server.")
    low, high, implementation = function
    _arity(name, tree.arguments, low, high)
    return implementation([_evaluate(argument, context) for argument in tree.arguments])


def _arity(name: str, arguments: Sequence[object], low: int, high: int | None) -> None:
    count = len(arguments)
    if count < low or (high is not None and count > high):
        if high is None:
            wanted = f"at least {low}"
        elif low == high:
            wanted = str(low)
        else:
            wanted = f"{low} to {high}"
        raise XPathError(f"{name}() takes {wanted} arguments, not {count}.")


def _indexed_repeat(tree: Call, context: Context) -> Value:
    _arity("indexed-repeat", tree.arguments, 3, 3)
    target = tree.arguments[0]
    if not isinstance(target, Reference) or context.every is None:
        raise UnsupportedExpressionError("indexed-repeat() needs ${name} as its first argument.")
    index = to_number(_evaluate(tree.arguments[2], context))
    values = context.every(target.name).values
    if math.isnan(index) or not 1 <= int(index) <= len(values):
        return ""
    return values[int(index) - 1]


def _numbers(arguments: _Arguments) -> list[float]:
    found: list[float] = []
    for argument in arguments:
        nodes = argument.values if isinstance(argument, NodeSet) else (argument,)
        found.extend(to_number(node) for node in nodes)
    return found


def _extreme(pick: Callable[[list[float]], float]) -> Callable[[_Arguments], Value]:
    def extreme(arguments: _Arguments) -> Value:
        # JavaRosa leaves empty answers out: max('', 2) is 2.
        numbers = [number for number in _numbers(arguments) if not math.isnan(number)]
        return pick(numbers) if numbers else math.nan

    return extreme


def _count(arguments: _Arguments) -> Value:
    (nodes,) = arguments
    # A question outside any repeat is one node, answered or not.
    return float(len(nodes.values)) if isinstance(nodes, NodeSet) else 1.0


def _selected_items(value: Value) -> list[str]:
    return to_string(value).split()


def _selected_at(arguments: _Arguments) -> Value:
    items = _selected_items(arguments[0])
    index = to_number(arguments[1])
    if math.isnan(index) or not 0 <= int(index) < len(items):
        return ""
    return items[int(index)]


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    try:
        return regex.compile(pattern, flags=regex.VERSION0)
    except regex.error as error:
        raise XPathError(f"regex(): the pattern is not valid ({error}).") from None


def _regex(arguments: _Arguments) -> Value:
    pattern = _compiled(to_string(arguments[1]))
    try:
        # JavaRosa matches the whole value (Java's Matcher.matches), not a part of it. A pattern
        # that backtracks without end, e.g. (a+)+$, is cut off: the answer is not allowed.
        return pattern.fullmatch(to_string(arguments[0]), timeout=REGEX_SECONDS) is not None
    except TimeoutError:
        raise ExpressionLimitError(
            f"regex(): the pattern took longer than {REGEX_SECONDS} seconds (timed out)."
        ) from None


def regex_risk(pattern: str) -> str | None:
    """Why a regex() pattern could take exponential time in a browser ("nested-repetition" or
    "back-reference"), or None.

    Browsers have no time limit for regular expressions, so publishing refuses the constructs
    that backtrack catastrophically: a repetition inside an unbounded repetition whose length
    varies, as in (a+)+ or (\\w*,)*, and back-references. (Overlapping alternatives under a
    repetition, as in (a|a)*, are not caught; the server still has its time limit.)
    """
    try:
        tree = re._parser.parse(pattern)  # type: ignore[attr-defined]
    except re.error:
        return None  # an invalid pattern is reported by the evaluator, not here
    constants = re._constants  # type: ignore[attr-defined]
    repeats = (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT)

    def walk(items: Any, inside_unbounded: bool) -> str | None:
        for operation, argument in items:
            if operation in (constants.GROUPREF, constants.GROUPREF_EXISTS):
                return "back-reference"
            children: list[Any] = []
            unbounded = inside_unbounded
            if operation in repeats:
                low, high, body = argument
                if inside_unbounded and low != high:
                    return "nested-repetition"
                # Small bounds such as (\d{1,3}\.){3} stay cheap; large ones act as unbounded.
                unbounded = inside_unbounded or high == constants.MAXREPEAT or high > 10
                children = [body]
            elif operation == constants.SUBPATTERN:
                children = [argument[-1]]
            elif operation == constants.BRANCH:
                children = list(argument[1])
            elif operation in (constants.ASSERT, constants.ASSERT_NOT):
                children = [argument[1]]
            elif operation == constants.ATOMIC_GROUP:
                children = [argument]
            for child in children:
                found = walk(child, unbounded)
                if found:
                    return found
        return None

    return walk(tree, False)


def _substring(arguments: _Arguments) -> Value:
    # XPath 1.0: 1-based positions, rounded, and characters at positions p with
    # round(start) <= p < round(start) + round(length).
    text = to_string(arguments[0])
    start = _xpath_round(to_number(arguments[1]))
    end = start + _xpath_round(to_number(arguments[2])) if len(arguments) > 2 else math.inf
    return "".join(
        character for position, character in enumerate(text, start=1) if start <= position < end
    )


def _substr(arguments: _Arguments) -> Value:
    # ODK's substr(): 0-based start, optional exclusive end.
    text = to_string(arguments[0])
    start = to_number(arguments[1])
    end = to_number(arguments[2]) if len(arguments) > 2 else float(len(text))
    if math.isnan(start) or math.isnan(end):
        return ""
    return text[max(int(start), 0) : max(int(end), 0)]


def _translate(arguments: _Arguments) -> Value:
    text, source, target = (to_string(argument) for argument in arguments)
    mapping: dict[int, int | None] = {}
    for index, character in enumerate(source):
        mapping.setdefault(ord(character), ord(target[index]) if index < len(target) else None)
    return text.translate(mapping)


def _xpath_round(number: float) -> float:
    if math.isnan(number) or math.isinf(number):
        return number
    return float(math.floor(number + 0.5))


def _round(arguments: _Arguments) -> Value:
    number = to_number(arguments[0])
    if len(arguments) == 1:
        return _xpath_round(number)
    digits = to_number(arguments[1])
    if math.isnan(digits) or math.isnan(number) or math.isinf(number):
        return number
    factor = 10.0 ** int(digits)
    return _xpath_round(number * factor) / factor


def _int(arguments: _Arguments) -> Value:
    number = to_number(arguments[0])
    return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


def _date(arguments: _Arguments) -> Value:
    value = _first(arguments[0])
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if not value.strip():
            return ""
        parsed = _date_from_text(value)
        if parsed is not None:
            return parsed
        if not _NUMBER_TEXT.fullmatch(value):
            raise XPathError(f"date(): “{value}” is not a date.")
    number = to_number(value)
    if math.isnan(number) or math.isinf(number):
        return ""
    try:
        return EPOCH + timedelta(days=math.floor(number))
    except OverflowError:
        raise XPathError("date(): the number is too large.") from None


def _decimal_date_time(arguments: _Arguments) -> Value:
    value = _first(arguments[0])
    if isinstance(value, str) and not _NUMBER_TEXT.fullmatch(value):
        parsed = _date_from_text(value)
        return to_number(parsed) if parsed is not None else math.nan
    return to_number(value)


def _concat(arguments: _Arguments) -> Value:
    parts: list[str] = []
    for argument in arguments:
        nodes = argument.values if isinstance(argument, NodeSet) else (argument,)
        parts.extend(to_string(node) for node in nodes)
    return "".join(parts)


def _join(arguments: _Arguments) -> Value:
    separator = to_string(arguments[0])
    parts: list[str] = []
    for argument in arguments[1:]:
        nodes = argument.values if isinstance(argument, NodeSet) else (argument,)
        parts.extend(to_string(node) for node in nodes)
    return separator.join(parts)


def _sum(arguments: _Arguments) -> Value:
    (nodes,) = arguments
    values = nodes.values if isinstance(nodes, NodeSet) else (nodes,)
    return math.fsum(to_number(node) for node in values) if values else 0.0


def _coalesce(arguments: _Arguments) -> Value:
    first, second = arguments
    return first if to_string(first) != "" else second


def _power(arguments: _Arguments) -> Value:
    try:
        return math.pow(to_number(arguments[0]), to_number(arguments[1]))
    except (OverflowError, ValueError):
        return math.nan


def _square_root(arguments: _Arguments) -> Value:
    number = to_number(arguments[0])
    return math.sqrt(number) if number >= 0 else math.nan


def _rounding(operation: Callable[[float], int]) -> Callable[[_Arguments], Value]:
    def rounded(arguments: _Arguments) -> Value:
        number = to_number(arguments[0])
        return number if math.isnan(number) or math.isinf(number) else float(operation(number))

    return rounded


def _text(operation: Callable[[str, str], bool]) -> Callable[[_Arguments], Value]:
    def test(arguments: _Arguments) -> Value:
        return operation(to_string(arguments[0]), to_string(arguments[1]))

    return test


# name → (fewest arguments, most arguments or None for any number, implementation)
FUNCTIONS: dict[str, tuple[int, int | None, Callable[[_Arguments], Value]]] = {
    "selected": (2, 2, lambda a: to_string(a[1]).strip() in _selected_items(a[0])),
    "count-selected": (1, 1, lambda a: float(len(_selected_items(a[0])))),
    "selected-at": (2, 2, _selected_at),
    "string-length": (1, 1, lambda a: float(len(to_string(a[0])))),
    "regex": (2, 2, _regex),
    "contains": (2, 2, _text(lambda text, part: part in text)),
    "starts-with": (2, 2, _text(str.startswith)),
    "ends-with": (2, 2, _text(str.endswith)),
    "substring": (2, 3, _substring),
    "substr": (2, 3, _substr),
    "concat": (0, None, _concat),
    "join": (1, None, _join),
    "normalize-space": (1, 1, lambda a: " ".join(to_string(a[0]).split())),
    "translate": (3, 3, _translate),
    "coalesce": (2, 2, _coalesce),
    "not": (1, 1, lambda a: not to_boolean(a[0])),
    "true": (0, 0, lambda a: True),
    "false": (0, 0, lambda a: False),
    "boolean": (1, 1, lambda a: to_boolean(a[0])),
    "boolean-from-string": (1, 1, lambda a: to_string(a[0]).strip() in ("true", "1")),
    "number": (1, 1, lambda a: to_number(a[0])),
    "int": (1, 1, _int),
    "round": (1, 2, _round),
    "floor": (1, 1, _rounding(math.floor)),
    "ceiling": (1, 1, _rounding(math.ceil)),
    "abs": (1, 1, lambda a: abs(to_number(a[0]))),
    "pow": (2, 2, _power),
    "sqrt": (1, 1, _square_root),
    "string": (1, 1, lambda a: to_string(a[0])),
    "date": (1, 1, _date),
    "date-time": (1, 1, _date),
    "decimal-date-time": (1, 1, _decimal_date_time),
    "count": (1, 1, _count),
    "sum": (1, 1, _sum),
    "min": (1, None, _extreme(min)),
    "max": (1, None, _extreme(max)),
    # once() keeps a value from changing after it is first set on the device; on the server the
    # submitted value is final, so it is the value itself.
    "once": (1, 1, lambda a: a[0]),
}
"""Functions evaluated by the server, besides if(), position(), indexed-repeat(), today(), now()."""
