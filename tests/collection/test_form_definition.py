"""The typed form definition stored with each form version (issue 10 item 2)."""

import importlib
import json
from typing import Any

import pytest
from django.db.migrations.loader import MigrationLoader
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

from cslab.forms import builder as form_builder
from cslab.forms import demo
from cslab.forms.answers import validate_answers
from cslab.forms.form_definition import (
    Choice,
    FormDefinition,
    Question,
    QuestionKind,
    Rules,
)
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_workbook
from cslab.observations.views.observations import answer_rows
from cslab.projects.models import Project
from tests.projects.factories import ProjectFactory

MIGRATION = importlib.import_module("cslab.collection.migrations.0009_form_version_definition")

WORKBOOK: dict[str, Any] = {
    "survey": [
        {"type": "start", "name": "started"},
        {
            "type": "begin group",
            "name": "site",
            "label::English (en)": "Site",
            "relevance": "${count} > 0",
        },
        {
            "type": "select_one species",
            "name": "species",
            "label::English (en)": "Species",
            "label::Nederlands (nl)": "Soort",
            "required": "yes",
            "choice_filter": "habitat='pond'",
        },
        {"type": "end group"},
        {
            "type": "integer",
            "name": "count",
            "label::English (en)": "How many?",
            "hint::English (en)": "Adults only",
            "constraint": ". < 100",
            "jr:constraintMsg::English (en)": "Fewer than 100",
            "bind::jr:requiredMsg": "Count!",
        },
        {"type": "begin_repeat", "name": "visits", "label::English (en)": "Visits"},
        {
            "type": "dateTime",
            "name": "when",
            "label::English (en)": "When",
            "body::accuracyThreshold": "5",
        },
        {"type": "end_repeat"},
        {"type": "note", "name": "thanks", "label::English (en)": "Thank you"},
        {"type": "background-geopoint", "name": "track", "trigger": "${count}"},
    ],
    "choices": [
        {
            "list_name": "species",
            "name": "robin",
            "label::English (en)": "Robin",
            "label::Nederlands (nl)": "Roodborst",
            "habitat": "pond",
        },
        {"list_name": "species", "name": "wren", "label::English (en)": "Wren"},
    ],
    "settings": [{"form_id": "birds", "version": "1", "default_language": "English (en)"}],
}


def _uniform(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with every column of the sheet, as a spreadsheet gives them to pyxform."""
    columns = list(dict.fromkeys(column for row in rows for column in row))
    return [{column: row.get(column, "") for column in columns} for row in rows]


# A form pyxform publishes: every label in one language, with a group, a repeat and a note.
PUBLISHABLE: dict[str, Any] = {
    "survey": _uniform(
        [
            {"type": "begin group", "name": "site", "label": "Site"},
            {"type": "select_one species", "name": "species", "label": "Species"},
            {"type": "end group"},
            {"type": "integer", "name": "count", "label": "How many?", "constraint": ". < 100"},
            {"type": "begin_repeat", "name": "visits", "label": "Visits"},
            {"type": "dateTime", "name": "when", "label": "When"},
            {"type": "end_repeat"},
            {"type": "note", "name": "thanks", "label": "Thank you"},
        ]
    ),
    "choices": _uniform(
        [
            {"list_name": "species", "name": "robin", "label": "Robin"},
            {"list_name": "species", "name": "wren", "label": "Wren"},
        ]
    ),
    "settings": [{"form_id": "birds", "version": "1"}],
}


def test_every_type_spelling_pyxform_accepts_gives_a_known_kind() -> None:
    unknown = [
        spelling
        for spelling in QUESTION_TYPE_DICT
        if QuestionKind.of_type(spelling)[0] is QuestionKind.UNKNOWN
    ]

    assert unknown == []


@pytest.mark.parametrize(
    "spelling",
    [
        "dateTime",
        "datetime",
        "date time",
        "q dateTime",
        "add date time prompt",
        "add dateTime prompt",
    ],
)
def test_every_spelling_of_date_and_time_is_one_kind(spelling: str) -> None:
    assert QuestionKind.of_type(spelling) == (QuestionKind.DATETIME, "")


def test_selects_keep_their_choice_list_and_files_their_file_name() -> None:
    assert QuestionKind.of_type("select_one species") == (QuestionKind.SELECT_ONE, "species")
    assert QuestionKind.of_type("select all that apply birds") == (
        QuestionKind.SELECT_MULTIPLE,
        "birds",
    )
    assert QuestionKind.of_type("select_one_from_file trees.csv") == (
        QuestionKind.SELECT_ONE,
        "trees.csv",
    )


def test_every_location_kind_including_background_geopoint_is_a_location() -> None:
    locations = {kind for kind in QuestionKind if kind.is_location}

    assert locations == {
        QuestionKind.GEOPOINT,
        QuestionKind.GEOTRACE,
        QuestionKind.GEOSHAPE,
        QuestionKind.START_GEOPOINT,
        QuestionKind.BACKGROUND_GEOPOINT,
    }


def test_the_rows_become_typed_questions_groups_repeats_rules_texts_and_choices() -> None:
    definition = FormDefinition.from_source(WORKBOOK)

    started, site, count, visits, thanks, track = definition.questions
    assert started.kind is QuestionKind.START and started.kind.is_metadata
    assert site.is_group and site.rules == Rules(relevant="${count} > 0")
    (species,) = site.children
    assert species == Question(
        name="species",
        kind=QuestionKind.SELECT_ONE,
        type="select_one species",
        list_name="species",
        label={"English (en)": "Species", "Nederlands (nl)": "Soort"},
        rules=Rules(required="yes", choice_filter="habitat='pond'"),
    )
    assert count.rules.constraint == ". < 100"
    assert count.hint == {"English (en)": "Adults only"}
    assert count.constraint_message == {"English (en)": "Fewer than 100"}
    assert count.required_message == {"": "Count!"}
    assert visits.is_repeat and visits.children[0].kind is QuestionKind.DATETIME
    assert visits.children[0].other == {"body": {"accuracyThreshold": "5"}}
    assert thanks.kind is QuestionKind.NOTE and track.rules.trigger == "${count}"
    assert [question.name for question in definition.answered()] == [
        "started",
        "species",
        "count",
        "visits",
        "track",
    ]
    assert definition.choices["species"][0] == Choice(
        list_name="species",
        name="robin",
        label={"English (en)": "Robin", "Nederlands (nl)": "Roodborst"},
        other={"habitat": {"": "pond"}},
    )
    assert definition.default_language == "English (en)"


def test_the_definition_loads_back_from_its_stored_json_unchanged() -> None:
    definition = FormDefinition.from_source(WORKBOOK)

    stored = json.loads(json.dumps(definition.to_json()))

    assert FormDefinition.from_json(stored) == definition


def test_the_labels_keep_their_order_in_the_stored_json_whatever_the_database_does() -> None:
    stored = FormDefinition.from_source(WORKBOOK).to_json()
    # jsonb orders an object's keys by length: the texts must not be objects.
    species = stored["questions"][1]["children"][0]

    assert species["label"] == [["English (en)", "Species"], ["Nederlands (nl)", "Soort"]]


@pytest.mark.parametrize(("form_id", "survey", "choices"), [row[1:] for row in demo.FORMS])
def test_each_demo_form_loads_back_from_its_stored_json(
    form_id: str, survey: list[dict[str, Any]], choices: list[dict[str, Any]]
) -> None:
    definition = FormDefinition.from_source({"survey": survey, "choices": choices})

    assert definition.answered()
    assert FormDefinition.from_json(json.loads(json.dumps(definition.to_json()))) == definition


def test_a_stored_value_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError):
        FormDefinition.from_json({})


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory()
    return project


def test_publishing_stores_the_typed_definition_with_the_version(project: Project) -> None:
    version = form_publish_workbook(actor=None, project=project, workbook=PUBLISHABLE)

    stored = FormVersion.objects.get(pk=version.pk)

    assert stored.definition["format"] == 1
    assert stored.form_definition == FormDefinition.from_source(stored.source)
    assert stored.form_definition.questions[3].name == "thanks"


def test_the_migration_fills_the_definition_of_every_stored_version(project: Project) -> None:
    first = form_publish_workbook(actor=None, project=project, workbook=PUBLISHABLE)
    second = form_publish_workbook(
        actor=None, project=project, workbook={**PUBLISHABLE, "settings": [{"version": "2"}]}
    )
    FormVersion.objects.update(definition={})
    sources_before = {version.pk: version.source for version in FormVersion.objects.all()}

    # The models as `collection`'s migrations see them (they moved to `forms` in issue 10).
    state = MigrationLoader(None, ignore_no_migrations=True).project_state(
        ("collection", "0009_form_version_definition")
    )
    MIGRATION.fill_definitions(state.apps, None)

    for version in (first, second):
        stored = FormVersion.objects.get(pk=version.pk)
        assert stored.form_definition == FormDefinition.from_source(stored.source)
        assert stored.source == sources_before[version.pk]


def test_background_geopoint_answers_are_left_out_of_the_answers_shown_like_other_locations() -> (
    None
):
    source = {
        "survey": [
            {"type": "text", "name": "notes", "label": "Notes"},
            {"type": "background-geopoint", "name": "track", "label": "Track", "trigger": "x"},
            {"type": "start-geopoint", "name": "start_point", "label": "Start point"},
        ]
    }
    answers = {"notes": "Pond", "track": "52.1 5.1 0 5", "start_point": "52.1 5.1 0 5"}

    rows = answer_rows(source, answers, "en")

    assert [(row.name, row.value) for row in rows] == [("notes", "Pond")]


@pytest.mark.parametrize("spelling", ["gps", "location", "q location", "add location prompt"])
def test_a_location_question_in_another_spelling_pyxform_accepts_is_a_location_too(
    spelling: str,
) -> None:
    source = {"survey": [{"type": spelling, "name": "where", "label": "Where"}]}

    rows = answer_rows(source, {"where": "52.1 5.1 0 5"}, "en")

    assert rows == []


def test_a_question_in_an_old_spelling_is_checked_like_the_type_it_means() -> None:
    source = {"survey": [{"type": "q int", "name": "count", "label": "How many?"}]}

    problems = validate_answers(source, {"count": "many"})

    assert problems == {"count": ["Give a whole number."]}


def test_the_form_builder_shows_another_spelling_of_an_offered_type_as_that_type() -> None:
    workbook = {
        "survey": [
            {"type": "dateTime", "name": "when"},
            {"type": "int", "name": "count"},
            {"type": "select_one_from_file trees.csv", "name": "tree"},
            {"type": "begin group", "name": "site"},
            {"type": "end group"},
        ]
    }

    questions = form_builder.questions_from_workbook(workbook)

    assert [(question.type, question.list_name) for question in questions] == [
        ("datetime", ""),
        ("integer", ""),
        ("select_one_from_file", "trees.csv"),
        ("begin_group", ""),
        ("end_group", ""),
    ]
