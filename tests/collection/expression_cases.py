"""The one table of XLSForm expression cases (`expression_cases.json`) and JavaRosa to check it.

Three tests read the table: `test_expression_cases.py` runs it through the server's evaluator
(`collection/xpath.py`) and through JavaRosa, ODK Collect's engine and the reference; the browser
test `tests/browser/test_expression_cases.py` runs it through the web form's evaluator
(`webform/expressions.js`). Each case gives an expression in XLSForm syntax, the answers (as
text, the way a form holds them) of the questions it names, optionally `current` (the question
`.` stands for), and the expected value as [kind, value]: boolean, number (NaN and Infinity as
text), string, or date (its ISO text). The table's `questions` give each question's XLSForm type.
"""

import json
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from tests.conftest import skip_or_fail

TABLE = Path(__file__).with_name("expression_cases.json")
EVALUATE_EXPRESSIONS = Path(__file__).with_name("javarosa") / "EvaluateExpressions.java"
# XLSForm type → XForm bind type, as pyxform writes them.
BIND_TYPES = {
    "text": "string",
    "integer": "int",
    "decimal": "decimal",
    "date": "date",
    "select_one": "string",
    "select_multiple": "string",
}
_REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][\w.\-]*)\s*\}")


@dataclass(frozen=True)
class Case:
    expression: str
    answers: dict[str, str]
    expected: tuple[str, Any]
    current: str | None = None

    @property
    def id(self) -> str:
        return f"{self.expression} {self.answers}" if self.answers else self.expression


def questions() -> dict[str, str]:
    table: dict[str, Any] = json.loads(TABLE.read_text())
    return dict(table["questions"])


def cases() -> list[Case]:
    table: dict[str, Any] = json.loads(TABLE.read_text())
    return [
        Case(
            expression=row["expression"],
            answers=dict(row.get("answers", {})),
            expected=(row["expected"][0], row["expected"][1]),
            current=row.get("current"),
        )
        for row in table["cases"]
    ]


def expected_number(value: Any) -> float:
    return float(value)  # "NaN", "Infinity" and "-Infinity" are floats' own spellings


def agrees(kind: str, value: Any, expected: tuple[str, Any]) -> bool:
    """Whether a result of `kind` (boolean, number, string, date), given as its value or text,
    is the expected one."""
    expected_kind, expected_value = expected
    if kind != expected_kind:
        return False
    if kind == "boolean":
        return value in (expected_value, str(expected_value).lower())
    if kind == "number":
        number, wanted = float(value), expected_number(expected_value)
        return (math.isnan(number) and math.isnan(wanted)) or math.isclose(
            number, wanted, rel_tol=1e-12, abs_tol=1e-12
        )
    return str(value) == str(expected_value)


# --- JavaRosa ----------------------------------------------------------------------------------


def javarosa_classpath(workspace: Path) -> str:
    """Compile EvaluateExpressions against the JavaRosa in pyxform's ODK Validate jar."""
    if not (shutil.which("java") and shutil.which("javac")):
        skip_or_fail("Java (java and javac) is not installed")
    import pyxform

    jar = Path(pyxform.__file__).parent / "validators" / "odk_validate" / "bin" / "ODK_Validate.jar"
    if not jar.exists():
        skip_or_fail(f"{jar} is missing")
    subprocess.run(
        ["javac", "-cp", str(jar), "-d", str(workspace), str(EVALUATE_EXPRESSIONS)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return f"{jar}:{workspace}"


def xform(answers: dict[str, str]) -> str:
    """A form with every question of the table, the given answers as its instance values."""
    kinds = questions()
    nodes = "".join(f"<{name}>{escape(answers.get(name, ''))}</{name}>" for name in kinds)
    binds = "".join(
        f'<bind nodeset="/data/{name}" type="{BIND_TYPES[kind]}"/>' for name, kind in kinds.items()
    )
    return (
        '<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" '
        'xmlns:jr="http://openrosa.org/javarosa"><h:head><h:title>cases</h:title><model>'
        f'<instance><data id="cases">{nodes}</data></instance>{binds}</model></h:head>'
        "<h:body/></h:html>"
    )


def javarosa_results(
    classpath: str, workspace: Path, all_cases: list[Case]
) -> list[tuple[str, str]]:
    """Evaluate every case with JavaRosa in one run: [(kind, value text)]."""
    lines = []
    for index, case in enumerate(all_cases):
        form = workspace / f"case{index}.xml"
        form.write_text(xform(case.answers))
        context = f"/data/{case.current}" if case.current else ""
        expression = _REFERENCE.sub(r"/data/\1", case.expression)
        lines.append(f"{form}\t{context}\t{expression}")
    table = workspace / "cases.tsv"
    table.write_text("\n".join(lines) + "\n")
    finished = subprocess.run(
        ["java", "-XX:TieredStopAtLevel=1", "-cp", classpath, "EvaluateExpressions", str(table)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    results = [tuple(line.split("\t", 1)) for line in finished.stdout.splitlines()]
    assert len(results) == len(all_cases), finished.stdout[-2000:]
    return [(kind, value) for kind, value in results]
