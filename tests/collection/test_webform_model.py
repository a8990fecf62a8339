"""The web form's render model: every supported XLSForm type, languages, groups, repeats and
expressions, read from the workbook dict pyxform makes of an uploaded file."""

from typing import Any

import pytest

from cslab.forms.demo import workbook_bytes
from cslab.forms.form_model import (
    FormModelError,
    language_code,
    language_for,
    question_type,
    questions,
    range_parameters,
    render_model,
)
from cslab.forms.xlsform import read_workbook

EN = "label::English (en)"
NL = "label::Nederlands (nl)"

SURVEY: list[dict[str, str]] = [
    {"type": "start", "name": "started"},
    {"type": "today", "name": "day"},
    {"type": "deviceid", "name": "device"},
    {
        "type": "text",
        "name": "place",
        EN: "Place",
        NL: "Plek",
        "required": "yes",
        "hint::English (en)": "Street or park",
        "hint::Nederlands (nl)": "Straat of park",
    },
    {
        "type": "integer",
        "name": "count",
        EN: "How many?",
        NL: "Hoeveel?",
        "constraint": ". > 0 and . < 1000",
        "constraint_message::English (en)": "Between 1 and 999",
        "constraint_message::Nederlands (nl)": "Tussen 1 en 999",
    },
    {
        "type": "decimal",
        "name": "temperature",
        EN: "Temperature",
        NL: "Temperatuur",
        "default": "18.5",
    },
    {
        "type": "select_one species",
        "name": "species",
        EN: "Species",
        NL: "Soort",
        "appearance": "minimal",
    },
    {
        "type": "text",
        "name": "other_species",
        EN: "Which?",
        NL: "Welke?",
        "relevant": "${species} = 'other'",
        "required": "yes",
        "required_message::English (en)": "Name the species",
    },
    {"type": "select_multiple behaviour", "name": "behaviour", EN: "Behaviour", NL: "Gedrag"},
    {"type": "date", "name": "seen_on", EN: "Date", NL: "Datum", "default": "today()"},
    {"type": "time", "name": "seen_at", EN: "Time", NL: "Tijd"},
    {"type": "datetime", "name": "sampled", EN: "Sampled", NL: "Bemonsterd"},
    {"type": "geopoint", "name": "location", EN: "Where", NL: "Waar"},
    {"type": "image", "name": "photo", EN: "Photo", NL: "Foto"},
    {"type": "audio", "name": "voice", EN: "Tell it", NL: "Vertel het"},
    {"type": "note", "name": "thanks", EN: "You counted ${count}", NL: "U telde ${count}"},
    {
        "type": "range",
        "name": "cloud",
        EN: "Cloud cover",
        NL: "Bewolking",
        "parameters": "start=0 end=8 step=0.5",
    },
    {"type": "acknowledge", "name": "consent", EN: "I agree", NL: "Akkoord"},
    {"type": "calculate", "name": "double", "calculation": "${count} * 2"},
    {
        "type": "begin_group",
        "name": "site",
        EN: "The site",
        NL: "De plek",
        "relevant": "${count} > 2",
    },
    {"type": "text", "name": "habitat", EN: "Habitat", NL: "Leefgebied", "appearance": "multiline"},
    {"type": "end_group"},
    {
        "type": "begin_repeat",
        "name": "nests",
        EN: "Nests",
        NL: "Nesten",
        "repeat_count": "${count}",
    },
    {"type": "integer", "name": "eggs", EN: "Eggs", NL: "Eieren", "required": "${count} > 5"},
    {"type": "begin_group", "name": "nest_site", EN: "Nest site", NL: "Nestplek"},
    {"type": "text", "name": "tree", EN: "Tree", NL: "Boom", "readonly": "yes"},
    {"type": "end_group"},
    {"type": "end_repeat"},
]
CHOICES: list[dict[str, str]] = [
    {"list_name": "species", "name": "robin", EN: "Robin", NL: "Roodborst"},
    {"list_name": "species", "name": "other", EN: "Other", NL: "Andere"},
    {"list_name": "behaviour", "name": "feeding", EN: "Feeding", NL: "Eten"},
    {"list_name": "behaviour", "name": "singing", EN: "Singing", NL: "Zingen"},
]
SETTINGS = [
    {
        "form_id": "birds",
        "form_title": "Bird count",
        "version": "7",
        "default_language": "Nederlands (nl)",
    }
]


def workbook(
    survey: list[dict[str, str]] = SURVEY,
    choices: list[dict[str, str]] = CHOICES,
    settings: list[dict[str, str]] = SETTINGS,
) -> dict[str, Any]:
    """The workbook dict of an .xlsx upload, exactly as FormVersion.source stores it."""
    content = workbook_bytes({"survey": survey, "choices": choices, "settings": settings})
    return read_workbook(file_name="birds.xlsx", content=content)


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return render_model(workbook())


def by_name(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["name"]: node for node in questions(model)}


def test_the_model_names_the_form_its_version_and_title(model: dict[str, Any]) -> None:
    assert (model["form_id"], model["version"], model["title"]) == ("birds", "7", "Bird count")


def test_every_supported_type_gets_its_web_form_type(model: dict[str, Any]) -> None:
    types = {name: node["type"] for name, node in by_name(model).items()}

    assert types == {
        "started": "start",
        "day": "today",
        "device": "metadata",
        "place": "text",
        "count": "integer",
        "temperature": "decimal",
        "species": "select_one",
        "other_species": "text",
        "behaviour": "select_multiple",
        "seen_on": "date",
        "seen_at": "time",
        "sampled": "datetime",
        "location": "geopoint",
        "photo": "image",
        "voice": "audio",
        "thanks": "note",
        "cloud": "range",
        "consent": "acknowledge",
        "double": "calculate",
        "habitat": "text",
        "eggs": "integer",
        "tree": "text",
    }
    assert by_name(model)["device"]["answered"] is False
    assert by_name(model)["place"]["answered"] is True


def test_labels_hints_and_messages_are_given_per_language(model: dict[str, Any]) -> None:
    place = by_name(model)["place"]
    count = by_name(model)["count"]

    assert place["label"] == {"English (en)": "Place", "Nederlands (nl)": "Plek"}
    assert place["hint"] == {"English (en)": "Street or park", "Nederlands (nl)": "Straat of park"}
    assert count["constraint_message"]["Nederlands (nl)"] == "Tussen 1 en 999"
    assert by_name(model)["other_species"]["required_message"] == {
        "English (en)": "Name the species"
    }


def test_the_languages_have_codes_and_the_settings_choose_the_default(
    model: dict[str, Any],
) -> None:
    assert model["languages"] == [
        {"key": "English (en)", "code": "en", "name": "English"},
        {"key": "Nederlands (nl)", "code": "nl", "name": "Nederlands"},
    ]
    assert model["default_language"] == "Nederlands (nl)"
    assert language_for(model, "en-gb") == "English (en)"
    assert language_for(model, "nl") == "Nederlands (nl)"
    assert language_for(model, "fr") == "Nederlands (nl)"


def test_a_form_without_languages_uses_the_plain_label_column() -> None:
    plain = render_model(
        workbook(
            survey=[{"type": "text", "name": "place", "label": "Place"}],
            choices=[],
            settings=[{"form_id": "plain"}],
        )
    )

    assert plain["languages"] == [{"key": "default", "code": "", "name": "default"}]
    assert plain["default_language"] == "default"
    assert questions(plain)[0]["label"] == {"default": "Place"}


def test_choices_carry_their_names_and_labels(model: dict[str, Any]) -> None:
    species = by_name(model)["species"]

    assert species["appearance"] == "minimal"
    assert species["choices"] == [
        {"name": "robin", "label": {"English (en)": "Robin", "Nederlands (nl)": "Roodborst"}},
        {"name": "other", "label": {"English (en)": "Other", "Nederlands (nl)": "Andere"}},
    ]
    assert [choice["name"] for choice in by_name(model)["behaviour"]["choices"]] == [
        "feeding",
        "singing",
    ]


def test_expressions_stay_in_the_xlsform_source_syntax(model: dict[str, Any]) -> None:
    nodes = by_name(model)

    assert nodes["count"]["constraint"] == ". > 0 and . < 1000"
    assert nodes["other_species"]["relevant"] == "${species} = 'other'"
    assert nodes["double"]["calculation"] == "${count} * 2"
    assert nodes["double"]["readonly"] is True


def test_required_and_read_only_are_yes_no_or_an_expression(model: dict[str, Any]) -> None:
    nodes = by_name(model)

    assert (nodes["place"]["required"], nodes["place"]["required_expression"]) == (True, None)
    assert (nodes["count"]["required"], nodes["count"]["required_expression"]) == (False, None)
    assert (nodes["eggs"]["required"], nodes["eggs"]["required_expression"]) == (
        False,
        "${count} > 5",
    )
    assert nodes["tree"]["readonly"] is True


def test_a_default_is_a_value_or_an_expression_to_evaluate(model: dict[str, Any]) -> None:
    nodes = by_name(model)

    assert (nodes["temperature"]["default"], nodes["temperature"]["default_expression"]) == (
        "18.5",
        None,
    )
    assert (nodes["seen_on"]["default"], nodes["seen_on"]["default_expression"]) == (
        None,
        "today()",
    )


def test_a_range_has_its_start_end_and_step(model: dict[str, Any]) -> None:
    assert by_name(model)["cloud"]["parameters"] == {"start": 0.0, "end": 8.0, "step": 0.5}
    assert range_parameters("") == {"start": 1.0, "end": 10.0, "step": 1.0}
    assert range_parameters("start=5 end=1 step=0")["step"] == 1.0


def test_groups_hold_their_questions_and_their_relevance(model: dict[str, Any]) -> None:
    site = next(node for node in model["children"] if node["name"] == "site")

    assert site["kind"] == "group"
    assert site["relevant"] == "${count} > 2"
    assert site["label"]["English (en)"] == "The site"
    assert [child["name"] for child in site["children"]] == ["habitat"]
    assert site["children"][0]["appearance"] == "multiline"


def test_repeats_hold_their_questions_groups_and_count(model: dict[str, Any]) -> None:
    nests = model["children"][-1]

    assert (nests["kind"], nests["name"], nests["repeat_count"]) == ("repeat", "nests", "${count}")
    assert [child["name"] for child in nests["children"]] == ["eggs", "nest_site"]
    assert nests["children"][1]["kind"] == "group"
    assert nests["children"][1]["children"][0]["name"] == "tree"


def test_notes_keep_their_answer_references_for_the_browser(model: dict[str, Any]) -> None:
    assert by_name(model)["thanks"]["label"]["English (en)"] == "You counted ${count}"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("select_one species", ("select_one", "species")),
        ("select one species", ("select_one", "species")),
        ("select_multiple  behaviour", ("select_multiple", "behaviour")),
        ("select all that apply behaviour", ("select_multiple", "behaviour")),
        ("select_one_from_file birds.csv", ("unsupported", "")),
        ("int", ("integer", "")),
        ("string", ("text", "")),
        ("gps", ("geopoint", "")),
        ("photo", ("image", "")),
        ("dateTime", ("datetime", "")),
        ("begin group", ("begin_group", "")),
        ("end_repeat", ("end_repeat", "")),
        ("hidden", ("hidden", "")),
        ("video", ("video", "")),
        ("file", ("file", "")),
        ("barcode", ("text", "")),
        ("rank", ("unsupported", "")),
        ("username", ("metadata", "")),
        ("end", ("end", "")),
    ],
)
def test_type_cells_are_read_like_pyxform_reads_them(cell: str, expected: tuple[str, str]) -> None:
    assert question_type(cell) == expected


def test_column_spellings_pyxform_accepts_are_understood() -> None:
    source = {
        "survey": [
            {
                "type": "text",
                "name": "a",
                "Label:English (en)": "A",
                "relevance": "1 = 1",
                "constraint message": "No",
                "Caption": "Plain",
            },
        ],
    }

    node = questions(render_model(source))[0]

    assert node["label"] == {"default": "Plain", "English (en)": "A"}
    assert node["relevant"] == "1 = 1"
    assert node["constraint_message"] == {"default": "No"}


def test_language_codes_come_from_the_name_in_brackets_or_a_known_name() -> None:
    assert language_code("Nederlands (nl)") == "nl"
    assert language_code("Português (pt_BR)") == "pt-br"
    assert language_code("Dutch") == "nl"
    assert language_code("Klingon") == ""


def test_a_form_without_questions_has_no_render_model() -> None:
    with pytest.raises(FormModelError):
        render_model({"survey": []})
    with pytest.raises(FormModelError):
        render_model({})
