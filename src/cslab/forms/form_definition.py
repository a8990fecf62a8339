"""A form version's XLSForm rows as typed values: read once at publishing, stored with the version.

`FormVersion.source` keeps the rows exactly as published (pyxform converts them again, the form
builder edits them); `FormVersion.definition` keeps what they mean, as :class:`FormDefinition`:
questions with a :class:`QuestionKind` (every spelling pyxform accepts gives one kind), their
rules and texts per language, groups and repeats as a tree, and the choice lists. Readers ask the
definition (`question.kind.is_location`) instead of re-reading `row["type"]` strings, so that a
spelling such as `dateTime` cannot be recognised in one place and missed in another.

Pure: no ORM, no settings. `from_source` reads rows, `to_json`/`from_json` store and load.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

# Bumped when the stored shape changes, so that old definitions can be recognised and rebuilt.
FORMAT = 1


class QuestionKind(StrEnum):
    """What a survey row is, whatever spelling of its type the XLSForm used."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    RANGE = "range"
    SELECT_ONE = "select_one"
    SELECT_MULTIPLE = "select_multiple"
    SELECT_ONE_EXTERNAL = "select_one_external"
    RANK = "rank"
    GEOPOINT = "geopoint"
    GEOTRACE = "geotrace"
    GEOSHAPE = "geoshape"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    FILE = "file"
    BARCODE = "barcode"
    CALCULATE = "calculate"
    ACKNOWLEDGE = "acknowledge"
    TRIGGER = "trigger"
    NOTE = "note"
    HIDDEN = "hidden"
    XML_EXTERNAL = "xml-external"
    CSV_EXTERNAL = "csv-external"
    OSM = "osm"
    # Metadata: filled in by the device, never asked.
    START = "start"
    END = "end"
    TODAY = "today"
    DEVICEID = "deviceid"
    SUBSCRIBERID = "subscriberid"
    SIMSERIAL = "simserial"
    PHONENUMBER = "phonenumber"
    USERNAME = "username"
    EMAIL = "email"
    AUDIT = "audit"
    START_GEOPOINT = "start-geopoint"
    BACKGROUND_AUDIO = "background-audio"
    BACKGROUND_GEOPOINT = "background-geopoint"
    # Structure.
    BEGIN_GROUP = "begin_group"
    END_GROUP = "end_group"
    BEGIN_REPEAT = "begin_repeat"
    END_REPEAT = "end_repeat"
    # A type this code does not know (pyxform refuses those, so only in hand-made rows).
    UNKNOWN = "unknown"

    @property
    def is_location(self) -> bool:
        """The answer is a position or a path: hidden with the observation's location."""
        return self in LOCATION_KINDS

    @property
    def is_media(self) -> bool:
        """The answer names an attached file."""
        return self in MEDIA_KINDS

    @property
    def is_numeric(self) -> bool:
        return self in NUMERIC_KINDS

    @property
    def is_select(self) -> bool:
        return self in SELECT_KINDS

    @property
    def is_date_time(self) -> bool:
        """The answer is a moment (`dateTime` and its spellings, `start`, `end`)."""
        return self in DATE_TIME_KINDS

    @property
    def is_metadata(self) -> bool:
        """Filled in by the device rather than asked."""
        return self in METADATA_KINDS

    @property
    def has_answer(self) -> bool:
        """A row of this kind has a value of its own in a submission (groups do not; a repeat
        has a list of answer sets)."""
        return self not in NO_ANSWER_KINDS

    @classmethod
    def of_type(cls, type_text: str) -> tuple[QuestionKind, str]:
        """Return (kind, choice list or file name) of a survey row's `type` cell.

        `select_one species` → (SELECT_ONE, "species"); `dateTime`, `date time`,
        `q datetime` → (DATETIME, ""); `begin group` → (BEGIN_GROUP, "").
        """
        text = " ".join(str(type_text or "").split())
        if not text:
            return (cls.UNKNOWN, "")
        lowered = text.lower()
        known = _SPELLINGS.get(lowered) or _SPELLINGS.get(lowered.replace("_", " "))
        if known is not None:
            return (known, "")
        for words, select in _SELECT_SPELLINGS:
            if lowered == words or lowered.startswith(f"{words} "):
                after = text[len(words) :].split()
                return (select, after[0] if after else "")
        first, *others = text.split()
        found = _SPELLINGS.get(first.lower().removesuffix("_from_file"))
        if found is None:
            return (cls.UNKNOWN, "")
        return (found, others[0] if others else "")


LOCATION_KINDS = frozenset(
    {
        QuestionKind.GEOPOINT,
        QuestionKind.GEOTRACE,
        QuestionKind.GEOSHAPE,
        QuestionKind.START_GEOPOINT,
        QuestionKind.BACKGROUND_GEOPOINT,
    }
)
MEDIA_KINDS = frozenset(
    {
        QuestionKind.IMAGE,
        QuestionKind.AUDIO,
        QuestionKind.VIDEO,
        QuestionKind.FILE,
        QuestionKind.BACKGROUND_AUDIO,
    }
)
NUMERIC_KINDS = frozenset({QuestionKind.INTEGER, QuestionKind.DECIMAL, QuestionKind.RANGE})
SELECT_KINDS = frozenset(
    {
        QuestionKind.SELECT_ONE,
        QuestionKind.SELECT_MULTIPLE,
        QuestionKind.SELECT_ONE_EXTERNAL,
        QuestionKind.RANK,
    }
)
DATE_KINDS = frozenset({QuestionKind.DATE, QuestionKind.TODAY})
DATE_TIME_KINDS = frozenset({QuestionKind.DATETIME, QuestionKind.START, QuestionKind.END})
METADATA_KINDS = frozenset(
    {
        QuestionKind.START,
        QuestionKind.END,
        QuestionKind.TODAY,
        QuestionKind.DEVICEID,
        QuestionKind.SUBSCRIBERID,
        QuestionKind.SIMSERIAL,
        QuestionKind.PHONENUMBER,
        QuestionKind.USERNAME,
        QuestionKind.EMAIL,
        QuestionKind.AUDIT,
        QuestionKind.START_GEOPOINT,
        QuestionKind.BACKGROUND_AUDIO,
        QuestionKind.BACKGROUND_GEOPOINT,
    }
)
NO_ANSWER_KINDS = frozenset(
    {
        QuestionKind.NOTE,
        QuestionKind.BEGIN_GROUP,
        QuestionKind.END_GROUP,
        QuestionKind.END_REPEAT,
    }
)

# Every spelling of a type without a choice list that pyxform accepts (lower case, spaces
# collapsed), by its kind; `_` and spaces are interchangeable in the lookup.
_SPELLINGS: dict[str, QuestionKind] = {
    **{kind.value: kind for kind in QuestionKind if kind is not QuestionKind.UNKNOWN},
    # "phone number" asks for one (a text input that takes digits); "phonenumber" is the device's.
    **dict.fromkeys(("string", "q string", "add text prompt", "phone number"), QuestionKind.TEXT),
    **dict.fromkeys(
        (
            "int",
            "q int",
            "add integer prompt",
            "percentage",
            "number of days in last month",
            "number of days in last six months",
            "number of days in last year",
        ),
        QuestionKind.INTEGER,
    ),
    **dict.fromkeys(("q decimal", "add decimal prompt"), QuestionKind.DECIMAL),
    **dict.fromkeys(
        ("gps", "location", "q location", "q geopoint", "add location prompt"),
        QuestionKind.GEOPOINT,
    ),
    "q geotrace": QuestionKind.GEOTRACE,
    "q geoshape": QuestionKind.GEOSHAPE,
    **dict.fromkeys(("q date", "add date prompt"), QuestionKind.DATE),
    **dict.fromkeys(
        (
            "date time",
            "q datetime",
            "q date time",
            "add datetime prompt",
            "add date time prompt",
        ),
        QuestionKind.DATETIME,
    ),
    **dict.fromkeys(("photo", "q image", "q picture", "add image prompt"), QuestionKind.IMAGE),
    **dict.fromkeys(("q audio", "add audio prompt"), QuestionKind.AUDIO),
    **dict.fromkeys(("q video", "add video prompt"), QuestionKind.VIDEO),
    "add file prompt": QuestionKind.FILE,
    **dict.fromkeys(("q barcode", "add barcode prompt"), QuestionKind.BARCODE),
    **dict.fromkeys(("q calculate", "add calculate prompt"), QuestionKind.CALCULATE),
    **dict.fromkeys(("q acknowledge", "add acknowledge prompt"), QuestionKind.ACKNOWLEDGE),
    **dict.fromkeys(("q note", "add note prompt"), QuestionKind.NOTE),
    **dict.fromkeys(("start time", "get start time"), QuestionKind.START),
    **dict.fromkeys(("end time", "get end time"), QuestionKind.END),
    "get today": QuestionKind.TODAY,
    **dict.fromkeys(("device id", "get device id", "imei", "uri:deviceid"), QuestionKind.DEVICEID),
    **dict.fromkeys(
        ("subscriber id", "get subscriber id", "uri:subscriberid"), QuestionKind.SUBSCRIBERID
    ),
    **dict.fromkeys(("sim id", "get sim id", "uri:simserial"), QuestionKind.SIMSERIAL),
    **dict.fromkeys(("get phone number", "uri:phonenumber"), QuestionKind.PHONENUMBER),
    "uri:username": QuestionKind.USERNAME,
    "uri:email": QuestionKind.EMAIL,
    **dict.fromkeys(("begin group", "begin_group"), QuestionKind.BEGIN_GROUP),
    **dict.fromkeys(("end group", "end_group"), QuestionKind.END_GROUP),
    **dict.fromkeys(("begin repeat", "begin_repeat"), QuestionKind.BEGIN_REPEAT),
    **dict.fromkeys(("end repeat", "end_repeat"), QuestionKind.END_REPEAT),
}
# Spellings followed by a choice list (or file) name, longest first so that
# "select one external" is not read as "select one" of a list named "external".
_SELECT_SPELLINGS: tuple[tuple[str, QuestionKind], ...] = tuple(
    sorted(
        {
            "select_one": QuestionKind.SELECT_ONE,
            "select one": QuestionKind.SELECT_ONE,
            "select1": QuestionKind.SELECT_ONE,
            "q select1": QuestionKind.SELECT_ONE,
            "select one using": QuestionKind.SELECT_ONE,
            "add select one prompt using": QuestionKind.SELECT_ONE,
            "select_one_from_file": QuestionKind.SELECT_ONE,
            "select_one_external": QuestionKind.SELECT_ONE_EXTERNAL,
            "select one external": QuestionKind.SELECT_ONE_EXTERNAL,
            "select_multiple": QuestionKind.SELECT_MULTIPLE,
            "select multiple": QuestionKind.SELECT_MULTIPLE,
            "select": QuestionKind.SELECT_MULTIPLE,
            "q select": QuestionKind.SELECT_MULTIPLE,
            "select multiple using": QuestionKind.SELECT_MULTIPLE,
            "select multiple from": QuestionKind.SELECT_MULTIPLE,
            "select all that apply": QuestionKind.SELECT_MULTIPLE,
            "select all that apply from": QuestionKind.SELECT_MULTIPLE,
            "add select multiple prompt using": QuestionKind.SELECT_MULTIPLE,
            "select_multiple_from_file": QuestionKind.SELECT_MULTIPLE,
            "rank": QuestionKind.RANK,
        }.items(),
        key=lambda item: -len(item[0]),
    )
)

# Column names pyxform accepts for one meaning, by the name used here.
_COLUMN_ALIASES = {
    "caption": "label",
    "relevance": "relevant",
    "jr:constraintmsg": "constraint_message",
    "constraining_message": "constraint_message",
    "jr:requiredmsg": "required_message",
    "requiredmsg": "required_message",
    "calculate": "calculation",
    "readonly": "read_only",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "command": "type",
    "tag": "name",
    "value": "name",
    "list name": "list_name",
}

# {language as the XLSForm writes it, "" for a column without one: text}, in the sheet's order.
Texts = dict[str, str]


@dataclass(frozen=True)
class Rules:
    """A question's rules: XPath expressions and settings, as written in the survey sheet."""

    relevant: str = ""
    constraint: str = ""
    required: str = ""
    calculation: str = ""
    choice_filter: str = ""
    read_only: str = ""
    default: str = ""
    appearance: str = ""
    parameters: str = ""
    trigger: str = ""
    repeat_count: str = ""


_RULE_COLUMNS = frozenset(rule.name for rule in fields(Rules))
_TEXT_COLUMNS = ("label", "hint", "guidance_hint", "constraint_message", "required_message")


@dataclass(frozen=True)
class Question:
    """A survey row: a question, or a group or repeat holding the rows between its begin and
    end rows (`children`)."""

    name: str
    kind: QuestionKind
    type: str  # the `type` cell as written (trimmed), e.g. "select_one species" or "dateTime"
    list_name: str = ""  # the choice list (or file) of a select
    label: Texts = field(default_factory=dict)
    hint: Texts = field(default_factory=dict)
    guidance_hint: Texts = field(default_factory=dict)
    constraint_message: Texts = field(default_factory=dict)
    required_message: Texts = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)
    # Every other filled column ("media::image", "body::accuracyThreshold", …), aliases undone.
    other: dict[str, Texts] = field(default_factory=dict)
    children: tuple[Question, ...] = ()

    @property
    def is_group(self) -> bool:
        return self.kind is QuestionKind.BEGIN_GROUP

    @property
    def is_repeat(self) -> bool:
        return self.kind is QuestionKind.BEGIN_REPEAT

    def texts(self, column: str) -> Texts:
        """The texts of a translatable column ("label", "constraint_message", …) by language."""
        if column in _TEXT_COLUMNS:
            texts: Texts = getattr(self, column)
            return texts
        return self.other.get(column, {})

    def answered(self) -> list[Question]:
        """The questions and repeats answered inside this group or repeat (see
        :func:`answered_questions`)."""
        return answered_questions(self.children)

    def walk(self) -> Iterator[Question]:
        """This row and every row inside it, in the order of the survey sheet."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Choice:
    """A row of the choices sheet."""

    list_name: str
    name: str
    label: Texts = field(default_factory=dict)
    # Every other filled column (choice_filter columns, "media::image", …).
    other: dict[str, Texts] = field(default_factory=dict)


@dataclass(frozen=True)
class FormDefinition:
    """What a form version's XLSForm says, typed."""

    questions: tuple[Question, ...] = ()  # the top level, in sheet order; groups hold the rest
    choices: dict[str, tuple[Choice, ...]] = field(default_factory=dict)  # by list name
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def default_language(self) -> str:
        return self.settings.get("default_language", "")

    def answered(self) -> list[Question]:
        """The questions and repeats answered at the top level (see :func:`answered_questions`)."""
        return answered_questions(self.questions)

    def walk(self) -> Iterator[Question]:
        """Every row (questions, groups, repeats and what they hold) in sheet order."""
        for question in self.questions:
            yield from question.walk()

    def choice_names(self) -> dict[str, set[str]]:
        return {
            list_name: {choice.name for choice in choices}
            for list_name, choices in self.choices.items()
        }

    # --- reading and storing ---------------------------------------------------------------

    @classmethod
    def from_source(cls, source: Mapping[str, Any] | None) -> FormDefinition:
        """Read an XLSForm workbook dict: {"survey": [...], "choices": [...], "settings": [...]}."""
        source = source or {}
        settings_rows = source.get("settings") or [{}]
        settings = {
            column: texts[""]
            for column, texts in _columns(settings_rows[0] or {}).items()
            if "" in texts
        }
        choices: dict[str, list[Choice]] = {}
        for row in source.get("choices") or []:
            columns = _columns(row)
            list_name = columns.pop("list_name", {}).get("", "")
            choices.setdefault(list_name, []).append(
                Choice(
                    list_name=list_name,
                    name=columns.pop("name", {}).get("", ""),
                    label=columns.pop("label", {}),
                    other=columns,
                )
            )
        return cls(
            questions=_tree(list(source.get("survey") or [])),
            choices={name: tuple(found) for name, found in choices.items()},
            settings=settings,
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON value to store. Texts are kept as [language, text] pairs: PostgreSQL's jsonb
        does not keep the order of an object's keys, and the first label is the fallback."""
        return {
            "format": FORMAT,
            "questions": [_question_to_json(question) for question in self.questions],
            "choices": [
                {
                    "list_name": choice.list_name,
                    "name": choice.name,
                    "label": _pairs(choice.label),
                    "other": {column: _pairs(texts) for column, texts in choice.other.items()},
                }
                for choices in self.choices.values()
                for choice in choices
            ],
            "settings": dict(self.settings),
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> FormDefinition:
        """Load what :meth:`to_json` stored."""
        if value.get("format") != FORMAT:
            raise ValueError(f"Not a stored form definition of format {FORMAT}.")
        choices: dict[str, list[Choice]] = {}
        for item in value.get("choices") or []:
            choices.setdefault(item["list_name"], []).append(
                Choice(
                    list_name=item["list_name"],
                    name=item["name"],
                    label=_texts(item["label"]),
                    other={column: _texts(pairs) for column, pairs in item["other"].items()},
                )
            )
        return cls(
            questions=tuple(_question_from_json(item) for item in value.get("questions") or []),
            choices={name: tuple(found) for name, found in choices.items()},
            settings={str(key): str(text) for key, text in (value.get("settings") or {}).items()},
        )


def answered_questions(elements: tuple[Question, ...] | list[Question]) -> list[Question]:
    """The rows answered by name at this level: questions, and repeats (answered as a list of
    answer sets). Groups are see-through (their questions are answered at the same level);
    notes and unnamed rows have no answer."""
    found: list[Question] = []
    for element in elements:
        if element.is_group:
            found += answered_questions(element.children)
        elif element.name and element.kind.has_answer:
            found.append(element)
    return found


def _column_name(column: str) -> tuple[str, str]:
    """Return (column, language) of a header: "Label :: English (en)" → ("label", "English
    (en)"), "label:English (en)" too (one colon, for a translatable column), "bind::relevant"
    → ("relevant", ""), "relevance" → ("relevant", "")."""
    column = column.strip()
    if column.lower().startswith("bind::"):
        column = column[len("bind::") :]
    if "::" in column:
        base, language = column.split("::", 1)
    elif ":" in column and _alias(column.split(":", 1)[0]) in _TEXT_COLUMNS:
        base, language = column.split(":", 1)
    else:
        base, language = column, ""
    return _alias(base), language.strip()


def _alias(base: str) -> str:
    base = base.strip().lower()
    base = _COLUMN_ALIASES.get(base, base).replace(" ", "_")
    return _COLUMN_ALIASES.get(base, base)


def _columns(row: Mapping[str, Any]) -> dict[str, Texts]:
    """Return {column: {language or "": text}} of a row's filled cells (trimmed), with
    pyxform's other spellings of a column undone."""
    found: dict[str, Texts] = {}
    for key, value in row.items():
        if value is None or isinstance(value, dict | list) or str(value).strip() == "":
            continue
        column, language = _column_name(str(key))
        found.setdefault(column, {})[language] = str(value).strip()
    return found


def _question(columns: dict[str, Texts], children: tuple[Question, ...] = ()) -> Question:
    columns = dict(columns)
    type_text = columns.pop("type", {}).get("", "")
    kind, list_name = QuestionKind.of_type(type_text)
    name = columns.pop("name", {}).get("", "")
    texts = {column: columns.pop(column, {}) for column in _TEXT_COLUMNS}
    rules = Rules(
        **{
            column: columns.pop(column).get("", "")
            for column in sorted(_RULE_COLUMNS & set(columns))
        }
    )
    return Question(
        name=name,
        kind=kind,
        type=type_text,
        list_name=list_name,
        rules=rules,
        other=columns,
        children=children,
        **texts,
    )


def _tree(rows: list[Mapping[str, Any]]) -> tuple[Question, ...]:
    """Read the survey rows into a tree: an end row closes the innermost open group or repeat
    (as pyxform does for the forms it accepts); rows without a type are skipped."""
    # Each open level: its begin row's columns (none at the top) and the questions inside it.
    levels: list[tuple[dict[str, Texts], list[Question]]] = [({}, [])]
    for row in rows:
        columns = _columns(row)
        type_text = columns.get("type", {}).get("", "")
        if not type_text:
            continue
        kind, _list_name = QuestionKind.of_type(type_text)
        if kind in (QuestionKind.END_GROUP, QuestionKind.END_REPEAT):
            if len(levels) > 1:
                begin, children = levels.pop()
                levels[-1][1].append(_question(begin, tuple(children)))
            continue
        if kind in (QuestionKind.BEGIN_GROUP, QuestionKind.BEGIN_REPEAT):
            levels.append((columns, []))
            continue
        levels[-1][1].append(_question(columns))
    while len(levels) > 1:  # groups left open at the end of the sheet
        begin, children = levels.pop()
        levels[-1][1].append(_question(begin, tuple(children)))
    return tuple(levels[0][1])


def _pairs(texts: Texts) -> list[list[str]]:
    return [[language, text] for language, text in texts.items()]


def _texts(pairs: list[list[str]]) -> Texts:
    return {str(language): str(text) for language, text in pairs}


def _question_to_json(question: Question) -> dict[str, Any]:
    return {
        "name": question.name,
        "kind": question.kind.value,
        "type": question.type,
        "list_name": question.list_name,
        **{column: _pairs(getattr(question, column)) for column in _TEXT_COLUMNS},
        "rules": {
            rule.name: getattr(question.rules, rule.name)
            for rule in fields(Rules)
            if getattr(question.rules, rule.name)
        },
        "other": {column: _pairs(texts) for column, texts in question.other.items()},
        "children": [_question_to_json(child) for child in question.children],
    }


def _question_from_json(value: Mapping[str, Any]) -> Question:
    return Question(
        name=value["name"],
        kind=QuestionKind(value["kind"]),
        type=value["type"],
        list_name=value["list_name"],
        rules=Rules(**value["rules"]),
        other={column: _texts(pairs) for column, pairs in value["other"].items()},
        children=tuple(_question_from_json(child) for child in value["children"]),
        **{column: _texts(value[column]) for column in _TEXT_COLUMNS},
    )
