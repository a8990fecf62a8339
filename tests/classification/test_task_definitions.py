"""Task definitions and answers: what is accepted, how answers are normalised and flattened."""

from typing import Any

import pytest

from cslab.classification import task_definitions as tasks
from cslab.core.errors import InvalidInputError

SURVEY: dict[str, Any] = {
    "key": "S",
    "kind": "survey",
    "question": "Which species?",
    "choices": [
        {"value": "bombus", "label": "Bumblebee"},
        {"value": "apis", "label": "Honeybee"},
    ],
    "questions": [
        {
            "key": "count",
            "question": "How many?",
            "answers": [{"value": "1", "label": "One"}, {"value": "2+", "label": "Two or more"}],
        },
        {
            "key": "doing",
            "question": "Doing what?",
            "multiple": True,
            "answers": [
                {"value": "feeding", "label": "Feeding"},
                {"value": "resting", "label": "Resting"},
            ],
        },
    ],
}
ALL_TASKS: list[dict[str, Any]] = [
    {
        "key": "T0",
        "kind": "single",
        "question": "Is there an insect?",
        "answers": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
    },
    {
        "key": "T1",
        "kind": "multiple",
        "question": "Which colours?",
        "required": False,
        "answers": [{"value": "red", "label": "Red"}, {"value": "blue", "label": "Blue"}],
    },
    SURVEY,
    {"key": "T3", "kind": "text", "question": "Transcribe the label", "max_length": 20},
    {
        "key": "T4",
        "kind": "point",
        "question": "Mark each flower",
        "tools": [{"value": "flower", "label": "Flower"}],
    },
    {
        "key": "T5",
        "kind": "rectangle",
        "question": "Box each insect",
        "tools": [{"value": "insect", "label": "Insect"}],
    },
]
GOOD_ANSWERS: dict[str, Any] = {
    "T0": "yes",
    "T1": ["blue", "red", "red"],
    "S": {"choice": "bombus", "answers": {"count": "2+", "doing": ["resting", "feeding"]}},
    "T3": "  Leiden 1921 ",
    "T4": [{"tool": "flower", "x": 0.5, "y": 0.25}],
    "T5": [{"tool": "insect", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.1}],
}


def test_every_task_kind_is_accepted_when_well_formed() -> None:
    assert tasks.check_tasks(ALL_TASKS) == ALL_TASKS


@pytest.mark.parametrize(
    ("definition", "problem_key"),
    [
        ([{"key": "T0", "kind": "dance", "question": "?"}], "T0"),
        ([{"key": "T0", "kind": "single", "question": "?", "answers": []}], "T0"),
        ([{"key": "0bad", "kind": "text", "question": "?"}], "0bad"),
        (
            [
                {"key": "T0", "kind": "text", "question": "?"},
                {"key": "T0", "kind": "text", "question": "?"},
            ],
            "T0",
        ),
        ([{"key": "T0", "kind": "point", "question": "?", "tools": [{"value": "a b"}]}], "T0"),
    ],
)
def test_malformed_tasks_are_refused_with_the_task_named(
    definition: list[dict[str, Any]], problem_key: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        tasks.check_tasks(definition)
    assert problem_key in caught.value.details


def test_a_workflow_without_tasks_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        tasks.check_tasks([])


def test_answers_are_normalised() -> None:
    cleaned = tasks.clean_answers(ALL_TASKS, GOOD_ANSWERS)
    assert cleaned["T1"] == ["blue", "red"]
    assert cleaned["S"] == {
        "choice": "bombus",
        "answers": {"count": "2+", "doing": ["feeding", "resting"]},
    }
    assert cleaned["T3"] == "Leiden 1921"
    assert cleaned["T5"][0] == {"tool": "insect", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.1}


@pytest.mark.parametrize(
    ("key", "answer"),
    [
        ("T0", "maybe"),
        ("T1", ["green"]),
        ("S", {"choice": "vespa"}),
        ("S", {"choice": "apis", "answers": {"count": "many"}}),
        ("T3", "x" * 21),
        ("T4", [{"tool": "flower", "x": 1.5, "y": 0.2}]),
        ("T4", [{"tool": "tree", "x": 0.5, "y": 0.2}]),
        ("T5", [{"tool": "insect", "x": 0.1, "y": 0.2}]),
        ("T4", "here"),
    ],
)
def test_answers_outside_the_task_are_refused_per_task(key: str, answer: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        tasks.clean_answers(ALL_TASKS, {**GOOD_ANSWERS, key: answer})
    assert list(caught.value.details) == [key]


def test_a_required_task_needs_an_answer_and_an_optional_one_does_not() -> None:
    answers = {key: value for key, value in GOOD_ANSWERS.items() if key not in ("T0", "T1")}
    with pytest.raises(InvalidInputError) as caught:
        tasks.clean_answers(ALL_TASKS, answers)
    assert list(caught.value.details) == ["T0"]


def test_gold_comparison_ignores_markings_and_text_case() -> None:
    cleaned = tasks.clean_answers(ALL_TASKS, GOOD_ANSWERS)
    assert tasks.answers_match(ALL_TASKS, cleaned, {"T0": "yes", "T3": "leiden  1921", "T4": []})
    assert not tasks.answers_match(ALL_TASKS, cleaned, {"S": {"choice": "apis"}})
    assert tasks.answers_match(ALL_TASKS, cleaned, {"S": "bombus"})


def test_flat_export_has_one_column_per_answer_and_never_json() -> None:
    cleaned = tasks.clean_answers(ALL_TASKS, GOOD_ANSWERS)
    row = tasks.flatten_answers(ALL_TASKS, cleaned)
    assert list(row) == tasks.export_columns(ALL_TASKS)
    assert row["T1.red"] == "1" and row["T1.blue"] == "1"
    assert row["S.choice"] == "bombus" and row["S.doing"] == "feeding|resting"
    assert row["T4.marks"] == "1"
    assert not any(cell.startswith(("{", "[")) for cell in row.values())


def test_marks_are_listed_one_per_row() -> None:
    cleaned = tasks.clean_answers(ALL_TASKS, GOOD_ANSWERS)
    marks = tasks.marks_of(ALL_TASKS, cleaned)
    assert [(mark["task"], mark["index"], mark["tool"]) for mark in marks] == [
        ("T4", 0, "flower"),
        ("T5", 0, "insect"),
    ]
