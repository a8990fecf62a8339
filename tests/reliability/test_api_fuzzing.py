"""Item 5, API fuzzing: schemathesis against /api/v1/openapi.json, every operation, without
credentials and with a personal API token, on the production server (`.ci/schemathesis`).

Pass: 0 server errors and 0 responses that break the document (any failed check fails the run).
The short form generates at most 5 examples per operation (as CI did before this suite took the
job over); the full form 25.
"""

import os
import re
import subprocess
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from tests.reliability.conftest import REPO_ROOT

SCRIPT = REPO_ROOT / ".ci" / "schemathesis"
REPORT_ROOT = REPO_ROOT / "var" / "schemathesis"
RUNS = ("anonymous", "token")
# "Test cases:" is followed by "N generated, N passed[, N failed…]" once per run.
GENERATED = re.compile(r"(\d+) generated")
SERVER_ERROR = re.compile(r"Server error", re.IGNORECASE)
SCHEMA_BREAK = re.compile(
    r"Response violates schema|Undocumented HTTP status|Undocumented Content-Type|"
    r"Missing Content-Type|Malformed media type|JSON deserialization error",
    re.IGNORECASE,
)


def _failure_texts(run: str) -> list[str]:
    reports = sorted((REPORT_ROOT / f"report-{run}").glob("junit*.xml"))
    assert reports, f"schemathesis wrote no JUnit report for the {run} run"
    tree = ElementTree.parse(reports[-1])
    return [
        " ".join(filter(None, [element.get("message"), element.text]))
        for element in tree.iter()
        if element.tag in {"failure", "error"}
    ]


def test_the_api_answers_generated_requests_without_server_errors_or_schema_breaks(
    scale: Any, report_figure: Any
) -> None:
    examples = scale.pick(short=5, full=25)
    environment = {
        **os.environ,
        "VENV_BIN": os.environ.get("VENV_BIN", str(Path(REPO_ROOT) / ".venv" / "bin")),
        "SCHEMATHESIS_MAX_EXAMPLES": str(examples),
    }
    completed = subprocess.run(  # our own script, fixed arguments
        ["bash", str(SCRIPT)],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=scale.pick(short=1200, full=5400),
    )
    output = completed.stdout + completed.stderr
    generated = sum(int(count) for count in GENERATED.findall(output))
    failures = [text for run in RUNS for text in _failure_texts(run)]
    server_errors = sum(len(SERVER_ERROR.findall(text)) for text in failures)
    schema_breaks = sum(len(SCHEMA_BREAK.findall(text)) for text in failures)
    operations = re.search(r"Operations:\s+(\d+) selected", output)

    report_figure(
        item="5 API fuzzing",
        measure=f"generated requests ({examples} examples per operation, 2 runs)",
        value=f"{generated:,} over {operations.group(1) if operations else '?'} operations",
        target="every operation, with and without credentials",
        passed=generated > 0 and operations is not None,
    )
    report_figure(
        item="5 API fuzzing",
        measure="server errors / responses breaking the document / failed checks",
        value=f"{server_errors} / {schema_breaks} / {len(failures)}",
        target="0 / 0 / 0",
        passed=completed.returncode == 0 and not failures,
    )
    assert generated > 0, output[-3000:]
    assert completed.returncode == 0 and not failures, output[-6000:]
