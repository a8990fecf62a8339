"""Reading and converting XLSForms with pyxform: pure functions, no database.

`read_workbook` turns an uploaded file into a *workbook dict* (the rows of the `survey`,
`choices`, `settings`, … sheets as pyxform reads them). `convert_workbook` turns a workbook dict
into an XForm. Problems come back as `FormProblem`s that name the sheet and row in words.
pyxform stops at its first problem and does not name the row for some of them, so when it
fails, `find_row_problems` looks over every row for the common mistakes (an unknown question
type, a choice list that is not on the choices sheet) to report them all with their rows.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from pyxform import aliases
from pyxform.errors import PyXFormError
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.validators.odk_validate import ODKValidateError
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

SUPPORTED_EXTENSIONS = (".xlsx", ".xls", ".csv")
# Rows start at 2 on every sheet: row 1 holds the column headers.
FIRST_DATA_ROW = 2

_ROW = re.compile(r"^\s*\[row\s*:\s*(\d+)\]\s*")
_SHEET = re.compile(r"On the '([A-Za-z_]+)' sheet")
_UNKNOWN_TYPE = re.compile(r"^Unknown question type '(.*)'\.$")
_SELECT = re.compile(
    r"^(?P<command>" + "|".join(map(re.escape, aliases.select)) + r") (?P<list_name>\S+)"
)
_CONTROL = re.compile(
    r"^(begin|end)(\s|_)(" + "|".join(map(re.escape, aliases.control)) + r")(\s.*)?$"
)
_NAMED_QUESTION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_LABEL_LANGUAGE = re.compile(r"^label\s*::\s*(.+)$", re.IGNORECASE)
_OTHER_TYPES = frozenset({*QUESTION_TYPE_DICT, *aliases._type_alias_map, *aliases.osm})


@dataclass(frozen=True)
class FormProblem:
    """One problem in an XLSForm, for people: the sheet and row (when known) and what is wrong."""

    message: str
    sheet: str | None = None
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "sheet": self.sheet, "message": self.message}

    def in_words(self) -> str:
        if self.sheet and self.row:
            return _("Sheet “%(sheet)s”, row %(row)d: %(message)s") % {
                "sheet": self.sheet, "row": self.row, "message": self.message,
            }  # fmt: skip
        if self.row:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


class XLSFormError(Exception):
    """The XLSForm could not be read or converted; `problems` says where and why."""

    def __init__(self, problems: list[FormProblem]) -> None:
        super().__init__("; ".join(problem.in_words() for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Conversion:
    xform: str
    warnings: list[str]


def file_type_of(file_name: str) -> str:
    """Return the lower-case extension of a supported XLSForm file, or raise XLSFormError."""
    lower = file_name.lower()
    for extension in SUPPORTED_EXTENSIONS:
        if lower.endswith(extension):
            return extension
    raise XLSFormError([FormProblem(_("Upload an XLSForm as an .xlsx, .xls or .csv file."))])


def read_workbook(*, file_name: str, content: bytes) -> dict[str, Any]:
    """Read an uploaded XLSForm into a JSON-ready workbook dict, or raise XLSFormError."""
    file_type = file_type_of(file_name)
    try:
        definition = get_xlsform(xlsform=content, file_type=file_type)
    except PyXFormError as error:
        raise XLSFormError([problem_from_message(str(error))]) from None
    except Exception:  # a damaged file can fail anywhere in the reader libraries
        raise XLSFormError(
            [
                FormProblem(
                    _("The file could not be read as an XLSForm (%(type)s).") % {"type": file_type}
                )
            ]
        ) from None
    workbook = {
        key: value
        for key, value in dataclasses.asdict(definition).items()
        if value is not None and key != "fallback_form_name"
    }
    if not workbook.get("survey"):
        raise XLSFormError([FormProblem(_("The form has no “survey” sheet, or it is empty."))])
    return workbook


SHEETS = ("survey", "choices", "settings")


def cells_as_text(workbook: dict[str, Any]) -> dict[str, Any]:
    """Return the workbook with every cell as text, as a spreadsheet gives it to pyxform.

    Rows sent as JSON (the form builder's API) may hold numbers, booleans or nulls; numbers and
    booleans become their text, nulls empty cells. A row that is not an object, or a cell that
    is a list or an object, raises XLSFormError naming the sheet and row.
    """
    problems: list[FormProblem] = []
    copy = dict(workbook)
    for sheet in SHEETS:
        rows = workbook.get(sheet) or []
        if not isinstance(rows, list):
            problems.append(FormProblem(_("The sheet must be a list of rows."), sheet=sheet))
            continue
        cleaned: list[dict[str, str]] = []
        for number, row in enumerate(rows, start=FIRST_DATA_ROW):
            if not isinstance(row, dict) or any(
                isinstance(value, (list, dict)) for value in row.values()
            ):
                problems.append(FormProblem(
                    _("Each row must be an object whose cells are text or numbers."),
                    sheet=sheet, row=number,
                ))  # fmt: skip
                continue
            cleaned.append({
                str(column): "" if value is None else
                ("yes" if value is True else "no" if value is False else str(value))
                for column, value in row.items()
            })  # fmt: skip
        copy[sheet] = cleaned
    if problems:
        raise XLSFormError(problems)
    return copy


def settings_of(workbook: dict[str, Any]) -> dict[str, str]:
    """Return the first row of the settings sheet (empty when there is none)."""
    rows = workbook.get("settings") or []
    return dict(rows[0]) if rows else {}


def with_settings(workbook: dict[str, Any], **values: str) -> dict[str, Any]:
    """Return a copy of the workbook whose settings row carries `values` in addition."""
    settings = {**settings_of(workbook), **values}
    copy = dict(workbook)
    copy["settings"] = [settings, *(workbook.get("settings") or [])[1:]]
    # pyxform keeps a sheet's column names as [{name: None, ...}].
    header = (workbook.get("settings_header") or [{}])[0]
    copy["settings_header"] = [{**header, **dict.fromkeys(settings)}]
    return copy


def languages_of(workbook: dict[str, Any]) -> list[str]:
    """Return the label languages of the survey sheet, e.g. ["English (en)", "Nederlands (nl)"]."""
    found: list[str] = []
    for row in workbook.get("survey") or []:
        for column in row:
            match = _LABEL_LANGUAGE.match(column)
            if match and match.group(1).strip() not in found:
                found.append(match.group(1).strip())
    return found


def convert_workbook(workbook: dict[str, Any], *, validate: bool | None = None) -> Conversion:
    """Convert a workbook dict into an XForm; raise XLSFormError listing the problems.

    ODK Validate (JavaRosa) runs when `validate` is True; by default it follows the setting
    XLSFORM_ODK_VALIDATE (True, False, or None: when Java is installed).
    """
    if validate is None:
        validate = getattr(settings, "XLSFORM_ODK_VALIDATE", None)
    if validate is None:
        validate = shutil.which("java") is not None
    warnings: list[str] = []
    try:
        result = convert(dict(workbook), warnings=warnings, validate=validate)
    except PyXFormError as error:
        raise XLSFormError(_problems_after_failure(workbook, str(error))) from None
    except ODKValidateError as error:
        text = _odk_validate_text(str(error))
        row = _row_named_in(workbook, text)
        raise XLSFormError(
            [
                FormProblem(
                    _("ODK Validate rejected the form: %(details)s") % {"details": text},
                    sheet="survey" if row else None,
                    row=row,
                )
            ]
        ) from None
    return Conversion(xform=result.xform, warnings=list(result.warnings or warnings))


def problem_from_message(message: str) -> FormProblem:
    """Split a pyxform message such as "[row : 3] On the 'survey' sheet, …" into its parts."""
    text = message.strip()
    row = None
    row_match = _ROW.match(text)
    if row_match:
        row = int(row_match.group(1))
        text = text[row_match.end() :]
    sheet_match = _SHEET.search(text)
    sheet = sheet_match.group(1) if sheet_match else None
    if row is not None and sheet is None:
        sheet = "survey"
    return FormProblem(message=text, sheet=sheet, row=row)


def find_row_problems(workbook: dict[str, Any]) -> list[FormProblem]:
    """Look over every survey row for unknown types and choice lists missing from `choices`."""
    list_names = {
        str(row.get("list_name") or row.get("list name") or "").strip()
        for row in workbook.get("choices") or []
    }
    problems = []
    for index, row in enumerate(workbook.get("survey") or []):
        question_type = " ".join(str(row.get("type") or "").split())
        if not question_type:
            continue
        row_number = index + FIRST_DATA_ROW
        select = _SELECT.match(question_type)
        if select:
            list_name = select.group("list_name")
            external = "." in list_name or "${" in list_name or "external" in question_type
            if not external and list_name not in list_names:
                problems.append(
                    FormProblem(
                        _("The choice list “%(list)s” is not on the “choices” sheet.")
                        % {"list": list_name},
                        sheet="survey",
                        row=row_number,
                    )
                )
        elif not _CONTROL.match(question_type) and question_type not in _OTHER_TYPES:
            problems.append(
                FormProblem(
                    _("“%(type)s” is not a question type XLSForm knows.") % {"type": question_type},
                    sheet="survey",
                    row=row_number,
                )
            )
    return problems


def _problems_after_failure(workbook: dict[str, Any], message: str) -> list[FormProblem]:
    problems = find_row_problems(workbook)
    reported = problem_from_message(message)
    covered = (
        reported.row is None
        and problems
        and (_UNKNOWN_TYPE.match(reported.message) or "choices sheet" in reported.message)
    )
    covered = covered or any(
        problem.row == reported.row and problem.sheet == reported.sheet for problem in problems
    )
    if not covered:
        problems.append(reported)
    return sorted(problems, key=lambda problem: (problem.row is None, problem.row or 0))


def _row_named_in(workbook: dict[str, Any], text: str) -> int | None:
    """Return the survey row of the first question ODK Validate names as `${name}`."""
    for name in _NAMED_QUESTION.findall(text):
        for index, row in enumerate(workbook.get("survey") or []):
            if str(row.get("name") or "").strip() == name:
                return index + FIRST_DATA_ROW
    return None


def _odk_validate_text(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if lines and lines[0].startswith("ODK Validate Errors"):
        lines = lines[1:]
    return " ".join(lines)[:2000]
