"""Checking answers on the server with the form's own rules: relevant, required, constraint.

The same rules ODK Collect and the web form apply on the device, so a submission through the JSON
API, the web form or OpenRosa meets them all. Hidden (non-relevant) questions follow ODK: their
answers are not checked and are dropped, and `required` applies only while a question is shown.
"""

import logging
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from cslab.forms.answers import (
    Location,
    first_geopoint,
    relevant_answers,
    validate_answers,
)
from cslab.forms.demo import FORMS, workbook_bytes
from cslab.forms.xlsform import convert_workbook, read_workbook
from tests.conftest import skip_or_fail

SHARED = Path(__file__).resolve().parents[3] / "shared"
FILL_FORM = SHARED / "tools" / "javarosa" / "FillForm.java"

NOT_ALLOWED = "This answer is not allowed by the form’s rules."
NEEDS_ANSWER = "This question needs an answer."


def form(*survey: dict[str, str], choices: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """A workbook dict as `read_workbook` stores it in `FormVersion.source`."""
    return {"survey": list(survey), "choices": choices or []}


HABITATS = [
    {"list_name": "habitat", "name": name, "label": name} for name in ("garden", "park", "water")
]


# --- constraint ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "problems"),
    [
        pytest.param(3, {}, id="inside-the-range"),
        pytest.param("0", {}, id="a-number-given-as-text"),
        pytest.param(-1, {"bees": ["A count cannot be negative."]}, id="below"),
        pytest.param(501, {"bees": ["A count cannot be negative."]}, id="above"),
    ],
)
def test_a_violated_constraint_gives_its_message(answer: Any, problems: dict[str, Any]) -> None:
    source = form(
        {
            "type": "integer",
            "name": "bees",
            "constraint": ". >= 0 and . <= 500",
            "constraint_message": "A count cannot be negative.",
        }
    )
    assert validate_answers(source, {"bees": answer}) == problems


def test_a_constraint_without_a_message_gets_a_general_one() -> None:
    source = form({"type": "text", "name": "code", "constraint": "regex(., '[A-Z]{2}[0-9]{2}')"})
    assert validate_answers(source, {"code": "AB12"}) == {}
    assert validate_answers(source, {"code": "ab12"}) == {"code": [NOT_ALLOWED]}


def test_a_constraint_compares_with_another_answer() -> None:
    source = form(
        {"type": "integer", "name": "adults"},
        {"type": "integer", "name": "children", "constraint": ". <= ${adults} * 4"},
    )
    assert validate_answers(source, {"adults": 2, "children": 8}) == {}
    assert validate_answers(source, {"adults": 2, "children": 9}) == {"children": [NOT_ALLOWED]}


def test_an_empty_answer_is_not_held_to_the_constraint() -> None:
    source = form({"type": "integer", "name": "bees", "constraint": ". > 0"})
    assert validate_answers(source, {"bees": ""}) == {}
    assert validate_answers(source, {}) == {}


def test_a_wrong_type_is_reported_once_without_the_constraint_as_well() -> None:
    source = form({"type": "integer", "name": "bees", "constraint": ". > 0"})
    assert validate_answers(source, {"bees": "many"}) == {"bees": ["Give a whole number."]}


def test_dates_in_constraints_compare_as_dates() -> None:
    source = form(
        {"type": "date", "name": "day", "constraint": ". <= today() and . >= date('2020-01-01')"}
    )
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert validate_answers(source, {"day": "2026-05-01"}, now=now) == {}
    assert validate_answers(source, {"day": "2026-05-02"}, now=now) == {"day": [NOT_ALLOWED]}
    assert validate_answers(source, {"day": "2019-12-31"}, now=now) == {"day": [NOT_ALLOWED]}


@pytest.mark.parametrize("kind", ["dateTime", "datetime", "date time", "q dateTime"])
def test_a_date_time_question_compares_with_now_as_a_moment(kind: str) -> None:
    # XLSForm's own spelling is "dateTime"; every spelling pyxform accepts is the same type.
    source = form({"type": kind, "name": "seen_at", "constraint": ". <= now()"})
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert validate_answers(source, {"seen_at": "2026-05-01T11:30:00+00:00"}, now=now) == {}
    assert validate_answers(source, {"seen_at": "2026-05-01T12:30:00+00:00"}, now=now) == {
        "seen_at": [NOT_ALLOWED]
    }


def test_a_date_time_from_a_device_in_another_timezone_compares_with_now_as_an_instant() -> None:
    # 20:00 in Tokyo is 13:00 in Amsterdam, before now; its wall clock alone is not.
    source = form({"type": "dateTime", "name": "seen_at", "constraint": ". <= now()"})
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)  # 14:00 in Amsterdam
    assert validate_answers(source, {"seen_at": "2026-05-01T20:00:00+09:00"}, now=now) == {}
    assert validate_answers(source, {"seen_at": "2026-05-01T13:00:00-04:00"}, now=now) == {
        "seen_at": [NOT_ALLOWED]
    }


@pytest.mark.parametrize("kind", ["dateTime", "datetime", "date time"])
def test_a_date_time_question_refuses_what_is_no_date_and_time(kind: str) -> None:
    source = form({"type": kind, "name": "seen_at"})
    expected = {"seen_at": ["Give a date and time as YYYY-MM-DDTHH:MM:SS with a timezone."]}
    assert validate_answers(source, {"seen_at": "yesterday"}) == expected
    assert validate_answers(source, {"seen_at": 12}) == expected


def test_date_aliases_of_pyxform_are_dates() -> None:
    source = form({"type": "q date", "name": "day"})
    assert validate_answers(source, {"day": "not a day"}) == {"day": ["Give a date as YYYY-MM-DD."]}


# --- relevant and required ----------------------------------------------------------------------


NEST_FORM = form(
    {"type": "select_one yes_no", "name": "nest_found"},
    {
        "type": "integer",
        "name": "eggs",
        "required": "yes",
        "relevant": "${nest_found} = 'yes'",
        "constraint": ". <= 20",
        "required_message": "How many eggs were in the nest?",
    },
    choices=[{"list_name": "yes_no", "name": "yes"}, {"list_name": "yes_no", "name": "no"}],
)


def test_a_hidden_required_question_needs_no_answer() -> None:
    assert validate_answers(NEST_FORM, {"nest_found": "no"}) == {}
    assert validate_answers(NEST_FORM, {}) == {}


def test_a_shown_required_question_needs_an_answer_with_its_own_message() -> None:
    assert validate_answers(NEST_FORM, {"nest_found": "yes"}) == {
        "eggs": ["How many eggs were in the nest?"]
    }
    assert validate_answers(NEST_FORM, {"nest_found": "yes", "eggs": 4}) == {}


def test_an_answer_to_a_hidden_question_is_not_checked_and_is_dropped_as_odk_does() -> None:
    answers = {"nest_found": "no", "eggs": 99}
    assert validate_answers(NEST_FORM, answers) == {}
    assert relevant_answers(NEST_FORM, answers) == {"nest_found": "no"}
    assert answers == {"nest_found": "no", "eggs": 99}  # the caller's dict is left alone


def test_an_answer_to_a_shown_question_is_checked_and_kept() -> None:
    answers = {"nest_found": "yes", "eggs": 99}
    assert validate_answers(NEST_FORM, answers) == {"eggs": [NOT_ALLOWED]}
    assert relevant_answers(NEST_FORM, answers) == answers


@pytest.mark.parametrize(
    ("habitat", "shown"),
    [
        pytest.param(["garden", "water"], True, id="a-list"),
        pytest.param("garden water", True, id="space-separated-as-odk-sends-it"),
        pytest.param(["garden"], False, id="water-not-chosen"),
        pytest.param([], False, id="nothing-chosen"),
    ],
)
def test_relevance_can_depend_on_a_select_multiple_with_selected(habitat: Any, shown: bool) -> None:
    source = form(
        {"type": "select_multiple habitat", "name": "habitat"},
        {
            "type": "decimal",
            "name": "depth",
            "required": "yes",
            "relevant": "selected(${habitat}, 'water')",
        },
        choices=HABITATS,
    )
    problems = validate_answers(source, {"habitat": habitat})
    assert problems == ({"depth": [NEEDS_ANSWER]} if shown else {})


def test_a_hidden_group_hides_its_questions() -> None:
    source = form(
        {"type": "select_one yes_no", "name": "water_nearby"},
        {"type": "begin_group", "name": "water", "relevant": "${water_nearby} = 'yes'"},
        {"type": "decimal", "name": "ph", "required": "yes", "constraint": ". >= 0 and . <= 14"},
        {"type": "end_group"},
        choices=[{"list_name": "yes_no", "name": "yes"}, {"list_name": "yes_no", "name": "no"}],
    )
    assert validate_answers(source, {"water_nearby": "no", "ph": 40}) == {}
    assert validate_answers(source, {"water_nearby": "yes"}) == {"ph": [NEEDS_ANSWER]}
    assert validate_answers(source, {"water_nearby": "yes", "ph": 40}) == {"ph": [NOT_ALLOWED]}


def test_a_question_that_depends_on_a_hidden_one_sees_it_empty() -> None:
    # `reason` is hidden, so its stale answer does not make `details` relevant.
    source = form(
        {"type": "integer", "name": "age"},
        {"type": "text", "name": "reason", "relevant": "${age} < 18"},
        {"type": "text", "name": "details", "required": "yes", "relevant": "${reason} != ''"},
    )
    assert validate_answers(source, {"age": 40, "reason": "school"}) == {}
    assert validate_answers(source, {"age": 12, "reason": "school"}) == {"details": [NEEDS_ANSWER]}
    assert relevant_answers(source, {"age": 40, "reason": "school", "details": "x"}) == {"age": 40}


def test_required_can_be_an_expression() -> None:
    source = form(
        {"type": "integer", "name": "count"},
        {"type": "image", "name": "photo", "required": "${count} > 10"},
    )
    assert validate_answers(source, {"count": 3}) == {}
    assert validate_answers(source, {"count": 30}) == {"photo": [NEEDS_ANSWER]}


def test_a_long_chain_of_rules_in_any_order_is_decided_without_running_out_of_stack() -> None:
    chain = [{"type": "integer", "name": "q0"}] + [
        {"type": "integer", "name": f"q{i}", "relevant": f"${{q{i - 1}}} > 0", "required": "yes"}
        for i in range(1, 1500)
    ]
    backwards = form(*reversed(chain))  # each rule names a question further down the sheet
    assert validate_answers(backwards, {"q0": 1, "q1": 1, "q2": 0}) == {}
    assert validate_answers(backwards, {"q0": 1, "q1": 1}) == {"q2": [NEEDS_ANSWER]}
    assert relevant_answers(backwards, {"q0": 0, "q1": 5, "q1499": 5}) == {"q0": 0}


@pytest.mark.parametrize("word", ["no", "false", "FALSE", "false()", ""])
def test_required_no_means_optional(word: str) -> None:
    assert validate_answers(form({"type": "text", "name": "note", "required": word}), {}) == {}


# --- repeats ------------------------------------------------------------------------------------

PLANTS_FORM = form(
    {"type": "integer", "name": "total"},
    {"type": "begin_repeat", "name": "plants"},
    {"type": "text", "name": "plant"},
    {
        "type": "integer",
        "name": "visits",
        "constraint": ". <= ${total}",
        "constraint_message": "More visits than in total.",
    },
    {"type": "text", "name": "why_none", "required": "yes", "relevant": "${visits} = 0"},
    {"type": "end_repeat"},
    {"type": "integer", "name": "plant_count", "constraint": ". = count(${plants})"},
    {"type": "integer", "name": "visit_sum", "constraint": ". = sum(${visits})"},
)


def test_a_constraint_inside_a_repeat_is_checked_per_instance_with_its_sibling_answers() -> None:
    answers = {
        "total": 10,
        "plants": [
            {"plant": "lavender", "visits": 4},
            {"plant": "borage", "visits": 12},
            {"plant": "thyme", "visits": 0},
            {"plant": "sage", "visits": 0, "why_none": "rain"},
        ],
    }
    assert validate_answers(PLANTS_FORM, answers) == {
        "plants[1].visits": ["More visits than in total."],
        "plants[2].why_none": [NEEDS_ANSWER],
    }


def test_a_question_outside_a_repeat_sees_the_list_of_its_answers() -> None:
    answers = {
        "total": 10,
        "plants": [{"visits": 4}, {"visits": 5}],
        "plant_count": 2,
        "visit_sum": 9,
    }
    assert validate_answers(PLANTS_FORM, answers) == {}
    assert validate_answers(PLANTS_FORM, {**answers, "plant_count": 3, "visit_sum": 8}) == {
        "plant_count": [NOT_ALLOWED],
        "visit_sum": [NOT_ALLOWED],
    }


def test_position_names_the_repeat_instance() -> None:
    source = form(
        {"type": "begin_repeat", "name": "stops"},
        {"type": "integer", "name": "stop", "constraint": ". = position(..)"},
        {"type": "end_repeat"},
    )
    assert validate_answers(source, {"stops": [{"stop": 1}, {"stop": 2}]}) == {}
    assert validate_answers(source, {"stops": [{"stop": 1}, {"stop": 3}]}) == {
        "stops[1].stop": [NOT_ALLOWED]
    }


def test_hidden_answers_inside_repeats_are_dropped_per_instance() -> None:
    answers = {
        "total": 5,
        "plants": [{"visits": 1, "why_none": "x"}, {"visits": 0, "why_none": "y"}],
    }
    assert relevant_answers(PLANTS_FORM, answers)["plants"] == [
        {"visits": 1},
        {"visits": 0, "why_none": "y"},
    ]


# --- messages in the user's language -----------------------------------------------------------

BILINGUAL = form(
    {
        "type": "integer",
        "name": "bees",
        "constraint": ". >= 0",
        "constraint_message::English (en)": "A count cannot be negative.",
        "constraint_message::Dutch (nl)": "Een aantal kan niet negatief zijn.",
        "required": "yes",
        "required_message::English (en)": "Count the bees.",
        "required_message::Dutch (nl)": "Tel de bijen.",
    },
)


def test_the_constraint_message_is_in_the_active_language() -> None:
    with translation.override("nl"):
        assert validate_answers(BILINGUAL, {"bees": -1}) == {
            "bees": ["Een aantal kan niet negatief zijn."]
        }
        assert validate_answers(BILINGUAL, {}) == {"bees": ["Tel de bijen."]}
    with translation.override("en"):
        assert validate_answers(BILINGUAL, {"bees": -1}) == {
            "bees": ["A count cannot be negative."]
        }


@pytest.mark.parametrize("column", ["Nederlands", "Dutch", "nl", "Dutch (nl-NL)"])
def test_a_language_column_is_recognised_by_its_name_or_code(column: str) -> None:
    source = form(
        {
            "type": "integer",
            "name": "bees",
            "constraint": ". >= 0",
            "constraint_message::English": "Not negative.",
            f"constraint_message::{column}": "Niet negatief.",
        }
    )
    assert validate_answers(source, {"bees": -1}, language="nl") == {"bees": ["Niet negatief."]}
    assert validate_answers(source, {"bees": -1}, language="en") == {"bees": ["Not negative."]}


def test_a_language_the_form_lacks_falls_back_to_the_default_language() -> None:
    source = {**BILINGUAL, "settings": [{"default_language": "Dutch (nl)"}]}
    assert validate_answers(source, {"bees": -1}, language="fr") == {
        "bees": ["Een aantal kan niet negatief zijn."]
    }


# --- what the server cannot evaluate -----------------------------------------------------------


def test_a_rule_the_server_cannot_evaluate_is_skipped_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    lookup = f"pulldata('limits', 'max', 'species', '{uuid.uuid4().hex}')"
    source = form(
        {"type": "integer", "name": "count", "constraint": f". <= {lookup}", "required": "yes"},
        {
            "type": "text",
            "name": "remark",
            "required": "yes",
            "relevant": "instance('species')/root/item[name = 'x']/label = 'Robin'",
        },
    )
    with caplog.at_level(logging.WARNING, logger="cslab.forms.answers"):
        assert validate_answers(source, {"count": 5}) == {"remark": [NEEDS_ANSWER]}
        assert validate_answers(source, {"count": 6}) == {"remark": [NEEDS_ANSWER]}
    warned = [record.getMessage() for record in caplog.records if lookup in record.getMessage()]
    assert len(warned) == 1
    assert "not checked" in warned[0]


def test_the_names_other_modules_import_still_work() -> None:
    source = form({"type": "geopoint", "name": "where"})
    assert first_geopoint(source, {"where": "52.1 5.1 0 8"}) == Location(52.1, 5.1, 8.0)
    assert validate_answers(source, {"where": "52.1 5.1 0 8", "what": 1}) == {
        "what": ["This form has no such question."]
    }


# --- a real XLSForm through pyxform --------------------------------------------------------------

SURVEY = [
    {"type": "integer", "name": "age", "label": "Age", "constraint": ". >= 0 and . <= 120"},
    {
        "type": "text",
        "name": "postcode",
        "label": "Postcode",
        "constraint": "regex(., '[1-9][0-9]{3} ?[A-Z]{2}')",
    },
    {"type": "select_multiple habitat", "name": "habitat", "label": "Habitat"},
    {
        "type": "decimal",
        "name": "depth",
        "label": "Depth (m)",
        "relevant": "selected(${habitat}, 'water')",
        "constraint": ". > 0 and . <= 30",
    },
    {"type": "decimal", "name": "ratio", "label": "Ratio", "constraint": ". div 2 < 10 or . = 100"},
    {
        "type": "date",
        "name": "seen",
        "label": "Seen",
        # `. > '2000-01-01'` is never true: < and > do not read text as a date, in JavaRosa either.
        "constraint": ". <= date('2026-01-01') and (. > date('2000-01-01') or . > '2000-01-01')",
    },
    {
        "type": "text",
        "name": "code",
        "label": "Code",
        "constraint": "string-length(.) = 4 and starts-with(., 'N') and not(contains(., 'X'))",
    },
    {"type": "integer", "name": "older", "label": "Older", "constraint": ". >= ${age}"},
    {
        "type": "text",
        "name": "memory",
        "label": "Memory",
        "relevant": "${age} > 60",
        "constraint": "string-length(normalize-space(.)) > 3",
    },
    {
        "type": "integer",
        "name": "parity",
        "label": "Parity",
        "constraint": "if(${age} mod 2 = 0, . = 0, . = 1)",
    },
    {
        "type": "select_multiple habitat",
        "name": "visited",
        "label": "Visited",
        "constraint": (
            "count-selected(.) <= 2 and not(selected(., 'water') and selected(., 'park'))"
        ),
    },
    {
        "type": "decimal",
        "name": "length",
        "label": "Length (cm)",
        "constraint": "int(. * 10) = . * 10 and round(., 0) < 50",
    },
    {
        "type": "text",
        "name": "initials",
        "label": "Initials",
        "constraint": "concat(substr(., 0, 1), '.') = 'N.' and translate(., 'abc', 'ABC') = .",
    },
]


def published_source() -> tuple[dict[str, Any], str]:
    """The workbook dict stored in FormVersion.source and the XForm pyxform makes from it."""
    content = workbook_bytes(
        {
            "survey": SURVEY,
            "choices": HABITATS,
            "settings": [{"form_id": "agreement", "form_title": "Agreement", "version": "1"}],
        }
    )
    source = read_workbook(file_name="agreement.xlsx", content=content)
    return source, convert_workbook(source, validate=False).xform


AGREEMENT_CASES: list[dict[str, str]] = [
    {"age": "30"},
    {"age": "121"},
    {"age": "-1"},
    {"postcode": "3511 AB"},
    {"postcode": "3511ab"},
    {"postcode": "0511 AB"},
    {"habitat": "park", "depth": "100"},  # hidden, so not checked
    {"habitat": "water park", "depth": "12.5"},
    {"habitat": "water", "depth": "31"},
    {"ratio": "19.9"},
    {"ratio": "20"},
    {"ratio": "100"},
    {"seen": "2020-01-05"},
    {"seen": "2026-01-02"},
    {"seen": "1999-12-31"},
    {"code": "N123"},
    {"code": "NX12"},
    {"code": "A123"},
    {"age": "30", "older": "31"},
    {"age": "30", "older": "29"},
    {"older": "5"},  # age empty: '' is NaN, so >= is false
    {"age": "70", "memory": "  a  b  "},
    {"age": "70", "memory": "picnic"},
    {"age": "20", "memory": "x"},  # hidden
    {"age": "20", "parity": "0"},
    {"age": "21", "parity": "0"},
    {"visited": "garden park"},
    {"visited": "water park"},
    {"visited": "garden park water"},
    {"length": "12.5"},
    {"length": "12.25"},
    {"length": "49.6"},
    {"initials": "NKD"},
    {"initials": "Nab"},
]


def test_a_real_xlsform_is_checked_through_the_stored_source() -> None:
    source, _xform = published_source()
    assert validate_answers(source, {"age": 30, "habitat": ["water"], "depth": 2.5}) == {}
    assert validate_answers(source, {"age": 130, "habitat": ["water"], "depth": 0}) == {
        "age": [NOT_ALLOWED],
        "depth": [NOT_ALLOWED],
    }


def test_the_demo_form_gives_its_dutch_message() -> None:
    _key, form_id, survey, choices = FORMS[0]
    content = workbook_bytes(
        {"survey": survey, "choices": choices, "settings": [{"form_id": form_id}]}
    )
    source = read_workbook(file_name="demo.xlsx", content=content)
    answers = {"day": "2026-05-01", "plant": "borage", "bees": -2, "hoverflies": -1}
    with translation.override("nl"):
        assert validate_answers(source, answers) == {
            "bees": ["Een aantal kan niet negatief zijn."],
            # No Dutch message of the form's own: the platform's, in Dutch.
            "hoverflies": [translation.gettext(NOT_ALLOWED)],
        }


@pytest.fixture(scope="module")
def javarosa(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A compiled FillForm (../shared/tools/javarosa) and the JavaRosa jar shipped with pyxform."""
    if not FILL_FORM.exists():
        skip_or_fail(f"{FILL_FORM} is missing")
    if not (shutil.which("java") and shutil.which("javac")):
        skip_or_fail("Java (java and javac) is not installed")
    import pyxform

    jar = Path(pyxform.__file__).parent / "validators" / "odk_validate" / "bin" / "ODK_Validate.jar"
    if not jar.exists():
        skip_or_fail(f"{jar} is missing")
    classes = tmp_path_factory.mktemp("javarosa")
    subprocess.run(
        ["javac", "-cp", str(jar), "-d", str(classes), str(FILL_FORM)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return f"{jar}:{classes}", classes


def javarosa_accepts(classpath: str, xform_file: Path, answers: dict[str, str]) -> bool:
    arguments = [f"{name}={value}" for name, value in answers.items()]
    finished = subprocess.run(
        # A quick-starting JVM: each case is one short run.
        [
            "java",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-cp",
            classpath,
            "FillForm",
            str(xform_file),
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode in (0, 2), finished.stderr[-2000:]
    return finished.returncode == 0  # FillForm exits 2 when a constraint rejects an answer


def test_the_server_accepts_and_rejects_what_javarosa_does(javarosa: tuple[str, Path]) -> None:
    classpath, workspace = javarosa
    source, xform = published_source()
    xform_file = workspace / "agreement.xml"
    xform_file.write_text(xform)
    with ThreadPoolExecutor(max_workers=2) as pool:
        verdicts = list(
            pool.map(lambda case: javarosa_accepts(classpath, xform_file, case), AGREEMENT_CASES)
        )
    disagreements = [
        (case, "JavaRosa accepts" if accepted else "JavaRosa rejects", problems)
        for case, accepted in zip(AGREEMENT_CASES, verdicts, strict=True)
        if accepted != (not (problems := validate_answers(source, case)))
    ]
    assert disagreements == []
    assert True in verdicts and False in verdicts  # the cases test both outcomes
