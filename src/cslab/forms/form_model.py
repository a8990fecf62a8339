"""The web form's *render model*: a form version's XLSForm rows as JSON for the browser.

Pure: a workbook dict (`FormVersion.source`, the rows as pyxform reads them) in, a JSON-ready
dict out. The browser's renderer (static/collection/webform/webform.js) draws the questions
from it and its expression evaluator (expressions.js) checks the rules.

Expressions (`relevant`, `constraint`, `calculation`, `required` when not yes/no, dynamic
defaults, `repeat_count`) stay in the XLSForm source syntax — `${name}` for another question,
`.` for the question's own value — so the browser and the server (cslab.forms.xpath) read
the same strings.

The model::

    {"form_id": "birds", "version": "3", "title": "Bird count",
     "languages": [{"key": "English (en)", "code": "en", "name": "English"}, ...],
     "default_language": "English (en)",
     "children": [node, ...]}

A node is a question (`kind` "question"), a group ("group", answered at the same level as its
parent) or a repeat ("repeat", answered as a list of answer objects); see `_question`.
Labels, hints and messages are {language key: text}; the key "default" holds a column without
a language (plain `label`).
"""

from __future__ import annotations

import re
from typing import Any

from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

DEFAULT_LANGUAGE = "default"
TRANSLATABLE_COLUMNS = ("label", "hint", "guidance_hint", "constraint_message", "required_message")
# Column spellings pyxform accepts, by the name used here.
COLUMN_ALIASES = {
    "caption": "label",
    "relevance": "relevant",
    "constraining_message": "constraint_message",
    "requiredmsg": "required_message",
    "calculate": "calculation",
    "read_only": "readonly",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "command": "type",
    "tag": "name",
    "value": "name",
    "list name": "list_name",
}
YES_WORDS = frozenset({"yes", "true", "true()", "1"})
NO_WORDS = frozenset({"", "no", "false", "false()", "0"})
SELECT_WORDS = {
    "select_one": "select_one",
    "select one": "select_one",
    "select1": "select_one",
    "select_multiple": "select_multiple",
    "select multiple": "select_multiple",
    "select all that apply": "select_multiple",
}
# Metadata the browser fills in itself; other metadata (device ID, user name …) becomes
# "metadata", which the web form leaves out.
PRELOADED = {"start": "start", "end": "end", "today": "today"}
MEDIA_TYPES = {"image/*": "image", "audio/*": "audio", "video/*": "video"}
BIND_TYPES = {
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "dateTime": "datetime",
    "geopoint": "geopoint",
    # Lines, shapes and barcodes are typed in as text in the web form.
    "geotrace": "text",
    "geoshape": "text",
    "barcode": "text",
}
RANGE_DEFAULTS = {"start": 1.0, "end": 10.0, "step": 1.0}
# Types the web form renders; anything else becomes "unsupported" (shown, never answered).
ANSWERED_TYPES = frozenset(
    {
        "text", "integer", "decimal", "select_one", "select_multiple", "date", "time",
        "datetime", "geopoint", "image", "audio", "video", "file", "range", "acknowledge",
        "calculate", "hidden", "start", "end", "today",
    }
)  # fmt: skip
_LANGUAGE_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)\)\s*$")
_KNOWN_LANGUAGE_NAMES = {
    "english": "en",
    "dutch": "nl",
    "nederlands": "nl",
    "french": "fr",
    "german": "de",
    "deutsch": "de",
    "français": "fr",
    "spanish": "es",
    "español": "es",
}
# A default is an expression when it names a question or starts with a function call.
_DYNAMIC = re.compile(r"\$\{|^\s*[A-Za-z_][\w:-]*\s*\(")


class FormModelError(ValueError):
    """The form version holds no XLSForm rows the web form can draw."""


def render_model(
    source: dict[str, Any], *, form_id: str = "", version: str = "", title: str = ""
) -> dict[str, Any]:
    """Return the render model of an XLSForm workbook dict (see the module docstring)."""
    survey = [_normalised_row(row) for row in source.get("survey") or []]
    if not any(row.get("type") for row in survey):
        raise FormModelError("The form has no questions.")
    settings = _normalised_row((source.get("settings") or [{}])[0])
    choices = _choice_lists([_normalised_row(row) for row in source.get("choices") or []])
    languages = _languages(survey, source.get("choices") or [])
    children, _end = _nodes(survey, 0, choices, closing=None)
    default_language = str(settings.get("default_language") or "").strip()
    if default_language not in {language["key"] for language in languages}:
        default_language = languages[0]["key"]
    return {
        "form_id": str(settings.get("form_id") or form_id),
        "version": str(settings.get("version") or version),
        "title": str(settings.get("form_title") or title),
        "languages": languages,
        "default_language": default_language,
        "children": children,
    }


def language_for(model: dict[str, Any], code: str) -> str:
    """Return the key of the model's language for a Django language code ("nl", "en-gb")."""
    wanted = code.lower().replace("_", "-")
    for candidate in (wanted, wanted.split("-")[0]):
        for language in model["languages"]:
            if language["code"] and language["code"].lower() == candidate:
                return str(language["key"])
    return str(model["default_language"])


def questions(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every question node of the model, depth first (groups and repeats opened)."""
    found: list[dict[str, Any]] = []

    def visit(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            if node["kind"] == "question":
                found.append(node)
            else:
                visit(node["children"])

    visit(model["children"])
    return found


# --- rows and columns ---------------------------------------------------------------------


def _normalised_column(column: str) -> str:
    """Return a column name as used here: "Label :: English (en)" → "label::English (en)"."""
    if "::" in column:
        name, language = column.split("::", 1)
    elif ":" in column and column.split(":", 1)[0].strip().lower() in TRANSLATABLE_COLUMNS:
        name, language = column.split(":", 1)
    else:
        name, language = column, ""
    name = name.strip().lower()
    name = COLUMN_ALIASES.get(name, name).replace(" ", "_")
    name = COLUMN_ALIASES.get(name, name)
    return f"{name}::{language.strip()}" if language.strip() else name


def _normalised_row(row: dict[str, Any]) -> dict[str, Any]:
    normal: dict[str, Any] = {}
    for column, value in row.items():
        if value is None or isinstance(value, (dict, list)):
            continue
        text = str(value).strip()
        if text:
            normal[_normalised_column(str(column))] = text
    return normal


def _translations(row: dict[str, Any], column: str) -> dict[str, str]:
    """Return {language key: text} of a translatable column ({} when the row has none)."""
    found: dict[str, str] = {}
    if row.get(column):
        found[DEFAULT_LANGUAGE] = str(row[column])
    prefix = f"{column}::"
    for key, value in row.items():
        if key.startswith(prefix):
            found[key[len(prefix) :]] = str(value)
    return found


def language_code(name: str) -> str:
    """Return the language code of an XLSForm language name: "Nederlands (nl)" → "nl"."""
    match = _LANGUAGE_CODE.search(name)
    if match:
        return match.group(1).lower().replace("_", "-")
    return _KNOWN_LANGUAGE_NAMES.get(name.strip().lower(), "")


def _languages(
    survey: list[dict[str, Any]], raw_choices: list[dict[str, Any]]
) -> list[dict[str, str]]:
    keys: list[str] = []
    plain = False
    rows = [*survey, *(_normalised_row(row) for row in raw_choices)]
    for row in rows:
        for column in row:
            name, _separator, language = column.partition("::")
            if name not in TRANSLATABLE_COLUMNS:
                continue
            if not language:
                plain = True
            elif language not in keys:
                keys.append(language)
    if plain or not keys:
        keys.append(DEFAULT_LANGUAGE)
    languages = []
    for key in keys:
        code = "" if key == DEFAULT_LANGUAGE else language_code(key)
        name = _LANGUAGE_CODE.sub("", key).strip() if key != DEFAULT_LANGUAGE else ""
        languages.append({"key": key, "code": code, "name": name or key})
    return languages


def _choice_lists(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    lists: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        list_name = str(row.get("list_name") or "")
        if not list_name or "name" not in row:
            continue
        lists.setdefault(list_name, []).append(
            {"name": str(row["name"]), "label": _translations(row, "label") or {
                DEFAULT_LANGUAGE: str(row["name"])}}
        )  # fmt: skip
    return lists


# --- question types -----------------------------------------------------------------------


def question_type(type_text: str) -> tuple[str, str]:
    """Return (web form type, choice list name) of a survey row's `type` cell.

    "select_one species" → ("select_one", "species"); "int" → ("integer", "");
    "begin repeat" → ("begin_repeat", ""); unknown types → ("unsupported", "").
    """
    text = " ".join(type_text.split())
    lowered = text.lower()
    for prefix in ("begin", "end"):
        for control in ("group", "repeat"):
            if lowered in (f"{prefix} {control}", f"{prefix}_{control}"):
                return (f"{prefix}_{control}", "")
    for words, kind in sorted(SELECT_WORDS.items(), key=lambda item: -len(item[0])):
        if lowered.startswith(words + " ") and "from_file" not in lowered.split()[0]:
            rest = text[len(words) :].split()
            if rest and rest[0] in ("using",):
                rest = rest[1:]
            if not rest or rest[-1] in ("external",) or "." in rest[0]:
                return ("unsupported", "")
            return (kind, rest[0])
    return (_simple_type(text), "")


def _simple_type(text: str) -> str:
    if text in ("note", "calculate", "hidden", "range", "acknowledge"):
        return text
    entry = QUESTION_TYPE_DICT.get(text) or QUESTION_TYPE_DICT.get(text.replace("_", " "))
    if entry is None:
        return "unsupported"
    bind = entry.get("bind", {})
    control = entry.get("control", {})
    preload = bind.get("jr:preloadParams")
    if preload:
        return PRELOADED.get(str(preload), "metadata")
    tag = control.get("tag")
    if bind.get("readonly") == "true()" and tag == "input":
        return "note"
    if tag == "trigger":
        return "acknowledge"
    if tag == "range":
        return "range"
    if tag == "upload":
        return MEDIA_TYPES.get(str(control.get("mediatype")), "file")
    if tag == "input" and bind.get("type") in BIND_TYPES:
        return BIND_TYPES[str(bind["type"])]
    if tag == "input" and bind.get("type") == "string":
        return "text"
    if not control and bind.get("type") == "string":
        return "calculate"
    return "unsupported"


# --- nodes --------------------------------------------------------------------------------


def _nodes(
    rows: list[dict[str, Any]],
    start: int,
    choices: dict[str, list[dict[str, Any]]],
    *,
    closing: str | None,
) -> tuple[list[dict[str, Any]], int]:
    """Read rows from `start` until the `closing` end row; return the nodes and the next row."""
    nodes: list[dict[str, Any]] = []
    index = start
    while index < len(rows):
        row = rows[index]
        index += 1
        if not row.get("type"):
            continue
        kind, list_name = question_type(str(row["type"]))
        if kind in ("end_group", "end_repeat"):
            if closing is not None:
                return nodes, index
            continue  # a stray end row: pyxform refuses it; the web form skips it
        if kind in ("begin_group", "begin_repeat"):
            children, index = _nodes(rows, index, choices, closing=kind.replace("begin", "end"))
            nodes.append(_container(row, kind.removeprefix("begin_"), children))
            continue
        node = _question(row, kind, choices.get(list_name, []) if list_name else [])
        if node is not None:
            nodes.append(node)
    return nodes, index


def _container(row: dict[str, Any], kind: str, children: list[dict[str, Any]]) -> dict[str, Any]:
    node: dict[str, Any] = {
        "kind": kind,
        "name": str(row.get("name") or ""),
        "label": _translations(row, "label"),
        "hint": _translations(row, "hint"),
        "relevant": row.get("relevant"),
        "appearance": str(row.get("appearance") or ""),
        "children": children,
    }
    if kind == "repeat":
        count = row.get("repeat_count")
        node["repeat_count"] = count
    return node


def _question(
    row: dict[str, Any], kind: str, choices: list[dict[str, Any]]
) -> dict[str, Any] | None:
    name = str(row.get("name") or "")
    if not name and kind != "note":
        return None
    required, required_expression = _flag(row.get("required"))
    readonly, readonly_expression = _flag(row.get("readonly"))
    default = row.get("default")
    dynamic_default = bool(default) and bool(_DYNAMIC.search(str(default)))
    node: dict[str, Any] = {
        "kind": "question",
        "type": kind,
        "name": name,
        "answered": kind in ANSWERED_TYPES,
        "original_type": str(row.get("type")),
        "label": _translations(row, "label"),
        "hint": _translations(row, "hint"),
        "guidance_hint": _translations(row, "guidance_hint"),
        "required": required,
        "required_expression": required_expression,
        "required_message": _translations(row, "required_message"),
        "readonly": readonly or kind in ("note", "calculate"),
        "readonly_expression": readonly_expression,
        "relevant": row.get("relevant"),
        "constraint": row.get("constraint"),
        "constraint_message": _translations(row, "constraint_message"),
        "calculation": row.get("calculation"),
        "default": None if dynamic_default else default,
        "default_expression": default if dynamic_default else None,
        "appearance": str(row.get("appearance") or ""),
    }
    if kind in ("select_one", "select_multiple"):
        node["choices"] = choices
    if kind == "range":
        node["parameters"] = range_parameters(str(row.get("parameters") or ""))
    return node


def _flag(value: Any) -> tuple[bool, str | None]:
    """Return (fixed value, expression) of a yes/no column that may hold an expression."""
    text = str(value or "").strip()
    if text.lower() in YES_WORDS:
        return True, None
    if text.lower() in NO_WORDS:
        return False, None
    return False, text


def range_parameters(text: str) -> dict[str, float]:
    """Read a range's `parameters` cell: "start=0 end=10 step=0.5" (defaults 1, 10, 1)."""
    parameters = dict(RANGE_DEFAULTS)
    for part in re.split(r"[\s;,]+", text.strip()):
        key, _separator, value = part.partition("=")
        if key.strip().lower() in parameters:
            try:
                parameters[key.strip().lower()] = float(value)
            except ValueError:
                continue
    if parameters["step"] <= 0:
        parameters["step"] = RANGE_DEFAULTS["step"]
    return parameters
