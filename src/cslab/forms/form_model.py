"""The web form's *render model*: a form version's definition as JSON for the browser.

Pure: a :class:`~cslab.forms.form_definition.FormDefinition` (`FormVersion.form_definition`,
or a workbook dict to read one from) in, a JSON-ready dict out. The browser's renderer
(static/collection/webform/webform.js) draws the questions from it and its expression
evaluator (expressions.js) checks the rules.

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

from cslab.forms.form_definition import FormDefinition, Question, QuestionKind, Texts

DEFAULT_LANGUAGE = "default"
TRANSLATABLE_COLUMNS = ("label", "hint", "guidance_hint", "constraint_message", "required_message")
YES_WORDS = frozenset({"yes", "true", "true()", "1"})
NO_WORDS = frozenset({"", "no", "false", "false()", "0"})
RANGE_DEFAULTS = {"start": 1.0, "end": 10.0, "step": 1.0}
# What the web form draws for each kind: the browser fills in start, end and today itself;
# other metadata (device ID, user name …) is "metadata", which the web form leaves out; lines,
# shapes and barcodes are typed in as text; a kind missing here is "unsupported" (shown, never
# answered).
WEB_TYPES: dict[QuestionKind, str] = {
    **{
        kind: kind.value
        for kind in (
            QuestionKind.TEXT,
            QuestionKind.INTEGER,
            QuestionKind.DECIMAL,
            QuestionKind.RANGE,
            QuestionKind.SELECT_ONE,
            QuestionKind.SELECT_MULTIPLE,
            QuestionKind.DATE,
            QuestionKind.TIME,
            QuestionKind.DATETIME,
            QuestionKind.GEOPOINT,
            QuestionKind.IMAGE,
            QuestionKind.AUDIO,
            QuestionKind.VIDEO,
            QuestionKind.FILE,
            QuestionKind.ACKNOWLEDGE,
            QuestionKind.CALCULATE,
            QuestionKind.HIDDEN,
            QuestionKind.NOTE,
            QuestionKind.START,
            QuestionKind.END,
            QuestionKind.TODAY,
            QuestionKind.BEGIN_GROUP,
            QuestionKind.END_GROUP,
            QuestionKind.BEGIN_REPEAT,
            QuestionKind.END_REPEAT,
        )
    },
    **dict.fromkeys((QuestionKind.GEOTRACE, QuestionKind.GEOSHAPE, QuestionKind.BARCODE), "text"),
    QuestionKind.TRIGGER: "acknowledge",
    QuestionKind.OSM: "file",
    **dict.fromkeys(
        (
            QuestionKind.DEVICEID,
            QuestionKind.SUBSCRIBERID,
            QuestionKind.SIMSERIAL,
            QuestionKind.PHONENUMBER,
            QuestionKind.USERNAME,
            QuestionKind.EMAIL,
        ),
        "metadata",
    ),
}
# Types the web form renders; anything else becomes "unsupported" (shown, never answered).
ANSWERED_TYPES = frozenset(
    {
        "text",
        "integer",
        "decimal",
        "select_one",
        "select_multiple",
        "date",
        "time",
        "datetime",
        "geopoint",
        "image",
        "audio",
        "video",
        "file",
        "range",
        "acknowledge",
        "calculate",
        "hidden",
        "start",
        "end",
        "today",
    }
)
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
    form: FormDefinition | dict[str, Any],
    *,
    form_id: str = "",
    version: str = "",
    title: str = "",
) -> dict[str, Any]:
    """Return the render model of a form definition, or of the XLSForm workbook dict it is
    read from (see the module docstring)."""
    definition = form if isinstance(form, FormDefinition) else FormDefinition.from_source(form)
    if not definition.questions:
        raise FormModelError("The form has no questions.")
    settings = definition.settings
    languages = _languages(definition)
    default_language = settings.get("default_language", "")
    if default_language not in {language["key"] for language in languages}:
        default_language = languages[0]["key"]
    return {
        "form_id": settings.get("form_id") or form_id,
        "version": settings.get("version") or version,
        "title": settings.get("form_title") or title,
        "languages": languages,
        "default_language": default_language,
        "children": _nodes(definition.questions, _choice_lists(definition)),
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


# --- texts and languages -----------------------------------------------------------------


def _translations(texts: Texts) -> dict[str, str]:
    """{language key: text}; the text without a language under DEFAULT_LANGUAGE."""
    return {language or DEFAULT_LANGUAGE: text for language, text in texts.items()}


def language_code(name: str) -> str:
    """Return the language code of an XLSForm language name: "Nederlands (nl)" → "nl"."""
    match = _LANGUAGE_CODE.search(name)
    if match:
        return match.group(1).lower().replace("_", "-")
    return _KNOWN_LANGUAGE_NAMES.get(name.strip().lower(), "")


def _languages(definition: FormDefinition) -> list[dict[str, str]]:
    keys: list[str] = []
    plain = False
    texts: list[Texts] = [
        question.texts(column) for question in definition.walk() for column in TRANSLATABLE_COLUMNS
    ]
    texts += [choice.label for choices in definition.choices.values() for choice in choices]
    for found in texts:
        for language in found:
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


def _choice_lists(definition: FormDefinition) -> dict[str, list[dict[str, Any]]]:
    return {
        list_name: [
            {
                "name": choice.name,
                "label": _translations(choice.label) or {DEFAULT_LANGUAGE: choice.name},
            }
            for choice in choices
            if choice.name
        ]
        for list_name, choices in definition.choices.items()
        if list_name
    }


# --- question types -----------------------------------------------------------------------


def question_type(type_text: str) -> tuple[str, str]:
    """Return (web form type, choice list name) of a survey row's `type` cell.

    "select_one species" → ("select_one", "species"); "int" → ("integer", "");
    "begin repeat" → ("begin_repeat", ""); unknown types → ("unsupported", "").
    """
    return web_type(*QuestionKind.of_type(type_text))


def web_type(kind: QuestionKind, list_name: str) -> tuple[str, str]:
    """Return (web form type, choice list name) of a question kind and its list."""
    if kind in (QuestionKind.SELECT_ONE, QuestionKind.SELECT_MULTIPLE):
        # Choices from a file (`select_one_from_file birds.csv`) are not drawn.
        if not list_name or "." in list_name:
            return ("unsupported", "")
        return (kind.value, list_name)
    return (WEB_TYPES.get(kind, "unsupported"), "")


# --- nodes --------------------------------------------------------------------------------


def _nodes(
    questions: tuple[Question, ...], choices: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for question in questions:
        if question.is_group or question.is_repeat:
            kind = "repeat" if question.is_repeat else "group"
            nodes.append(_container(question, kind, _nodes(question.children, choices)))
            continue
        kind, list_name = web_type(question.kind, question.list_name)
        node = _question(question, kind, choices.get(list_name, []) if list_name else [])
        if node is not None:
            nodes.append(node)
    return nodes


def _container(question: Question, kind: str, children: list[dict[str, Any]]) -> dict[str, Any]:
    node: dict[str, Any] = {
        "kind": kind,
        "name": question.name,
        "label": _translations(question.label),
        "hint": _translations(question.hint),
        "relevant": question.rules.relevant or None,
        "appearance": question.rules.appearance,
        "children": children,
    }
    if kind == "repeat":
        node["repeat_count"] = question.rules.repeat_count or None
    return node


def _question(
    question: Question, kind: str, choices: list[dict[str, Any]]
) -> dict[str, Any] | None:
    name = question.name
    if not name and kind != "note":
        return None
    rules = question.rules
    required, required_expression = _flag(rules.required)
    readonly, readonly_expression = _flag(rules.read_only)
    default = rules.default or None
    dynamic_default = bool(default) and bool(_DYNAMIC.search(str(default)))
    node: dict[str, Any] = {
        "kind": "question",
        "type": kind,
        "name": name,
        "answered": kind in ANSWERED_TYPES,
        "original_type": question.type,
        "label": _translations(question.label),
        "hint": _translations(question.hint),
        "guidance_hint": _translations(question.guidance_hint),
        "required": required,
        "required_expression": required_expression,
        "required_message": _translations(question.required_message),
        "readonly": readonly or kind in ("note", "calculate"),
        "readonly_expression": readonly_expression,
        "relevant": rules.relevant or None,
        "constraint": rules.constraint or None,
        "constraint_message": _translations(question.constraint_message),
        "calculation": rules.calculation or None,
        "default": None if dynamic_default else default,
        "default_expression": default if dynamic_default else None,
        "appearance": rules.appearance,
    }
    if kind in ("select_one", "select_multiple"):
        node["choices"] = choices
    if kind == "range":
        node["parameters"] = range_parameters(rules.parameters)
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
