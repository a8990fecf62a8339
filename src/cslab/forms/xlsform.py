"""Reading and converting XLSForms with pyxform: pure functions, no database.

`read_workbook` turns an uploaded file into a *workbook dict* (the rows of the `survey`,
`choices`, `settings`, … sheets as pyxform reads them). `convert_workbook` turns a workbook dict
into an XForm.

A form is hostile input (anyone who starts a project may publish one), so the cheap limits come
first: the file's bytes (XLSFORM_MAX_BYTES) before it is opened, the rows of each sheet
(XLSFORM_MAX_ROWS) counted in the raw file before pyxform reads it, and then each expression's
length (XLSFORM_MAX_EXPRESSION_LENGTH), depth and regex() patterns (`limit_problems`).

Problems come back as `FormProblem`s that name the sheet and row in words. pyxform stops at its
first problem and does not name the row for some of them, so when it fails, `find_row_problems`
looks over every row for the common mistakes (an unknown question type, a choice list that is
not on the choices sheet) to report them all with their rows.
"""

from __future__ import annotations

import dataclasses
import io
import posixpath
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from defusedxml.ElementTree import fromstring as xml_from_text  # type: ignore[import-untyped]
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pyxform import aliases
from pyxform.errors import PyXFormError
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.validators.odk_validate import ODKValidateError
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

from cslab.forms import xpath

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
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
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


def max_bytes() -> int:
    return int(getattr(settings, "XLSFORM_MAX_BYTES", 5 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "XLSFORM_MAX_ROWS", 10_000))


def max_expression_length() -> int:
    return min(int(getattr(settings, "XLSFORM_MAX_EXPRESSION_LENGTH", 5_000)), xpath.MAX_LENGTH)


def inline_max_rows() -> int:
    return int(getattr(settings, "XLSFORM_INLINE_MAX_ROWS", 1_000))


def odk_validate_runs() -> bool:
    """Whether publishing runs ODK Validate: XLSFORM_ODK_VALIDATE, or when unset, Java is there."""
    validate = getattr(settings, "XLSFORM_ODK_VALIDATE", None)
    if validate is None:
        return shutil.which("java") is not None
    return bool(validate)


def publishes_in_background(rows: int | None) -> bool:
    """Whether publishing a form of `rows` data rows belongs in a background job.

    pyxform needs about 0.5 s per 1,000 rows and ODK Validate starts a Java VM, too long for
    a web request; a form over XLSFORM_INLINE_MAX_ROWS rows (all sheets together), and every
    form when ODK Validate runs, is published by a job. A file that could not be counted
    (None) is damaged, and pyxform refuses it quickly, so it stays in the request.
    """
    if rows is None:
        return False
    return odk_validate_runs() or rows > inline_max_rows()


def workbook_row_count(workbook: dict[str, Any]) -> int:
    """The rows of a workbook dict's sheets together (survey, choices, settings)."""
    return sum(len(workbook[sheet]) for sheet in SHEETS if isinstance(workbook.get(sheet), list))


def too_large_problem(size: int) -> FormProblem | None:
    """The problem with a file of `size` bytes, or None when it is within XLSFORM_MAX_BYTES."""
    limit = max_bytes()
    if size <= limit:
        return None
    return FormProblem(
        _("The file is %(size)s; an XLSForm may be at most %(limit)s.")
        % {"size": _megabytes(size), "limit": _megabytes(limit)}
    )


def _megabytes(size: int) -> str:
    return str(filesizeformat(size)).replace("\xa0", " ")


def _too_many_rows(sheet: str | None) -> FormProblem:
    return FormProblem(
        _("The sheet has more than %(limit)d rows, the most a form may have.")
        % {"limit": max_rows()},
        sheet=sheet,
    )


def read_workbook(*, file_name: str, content: bytes) -> dict[str, Any]:
    """Read an uploaded XLSForm into a JSON-ready workbook dict, or raise XLSFormError.

    The size and the rows of each sheet are checked before pyxform reads the file.
    """
    file_type = file_type_of(file_name)
    count_rows(file_name=file_name, content=content)
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


def count_rows(*, file_name: str, content: bytes) -> int | None:
    """Check an uploaded file's size and rows against the limits and return its data rows.

    Raises XLSFormError for a file over XLSFORM_MAX_BYTES or with a sheet over XLSFORM_MAX_ROWS.
    Returns the rows of all sheets together without their header rows (what decides whether
    publishing runs in a background job), or None when the file cannot be counted (pyxform then
    refuses it). Nothing here reads a cell, so it is cheap enough for a web request.
    """
    file_type = file_type_of(file_name)
    too_large = too_large_problem(len(content))
    if too_large:
        raise XLSFormError([too_large])
    return _check_row_counts(file_type, content)


def _check_row_counts(file_type: str, content: bytes) -> int | None:
    """Raise XLSFormError when a sheet of the raw file has more than XLSFORM_MAX_ROWS rows;
    return the data rows of all sheets (None when the file cannot be counted).

    Counted in the file as it is, without reading cells, so that a hostile file is refused in
    milliseconds: lines of a .csv file, `<row>` elements of each .xlsx worksheet (streamed, and
    the whole archive may unpack to at most ten times the byte limit), and the row count each
    .xls sheet declares. A file that cannot be counted is left to pyxform to refuse.
    """
    limit = max_rows()
    if file_type == ".csv":
        lines = content.count(b"\n")
        if lines > limit:
            raise XLSFormError([_too_many_rows(None)])
        return lines
    if file_type == ".xlsx":
        total = 0
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
            unpacked = sum(member.file_size for member in archive.infolist())
            if unpacked > 10 * max_bytes():
                raise XLSFormError(
                    [
                        FormProblem(
                            _(
                                "The file unpacks to %(size)s; an XLSForm may unpack to at most"
                                " %(limit)s."
                            )
                            % {"size": _megabytes(unpacked), "limit": _megabytes(10 * max_bytes())}
                        )
                    ]
                )
            for sheet, member in _xlsx_worksheets(archive):
                rows = _xml_row_count(archive, member, limit + 1)  # + the header row
                if rows > limit + 1:
                    raise XLSFormError([_too_many_rows(sheet)])
                total += max(rows - 1, 0)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
            return None
        return total
    if file_type == ".xls":
        total = 0
        try:
            import xlrd  # type: ignore[import-untyped]

            book = xlrd.open_workbook(file_contents=content, on_demand=True)
            for sheet in book.sheet_names():
                rows = book.sheet_by_name(sheet).nrows
                if rows > limit + 1:
                    raise XLSFormError([_too_many_rows(sheet)])
                total += max(rows - 1, 0)
                book.unload_sheet(sheet)
        except XLSFormError:
            raise
        except Exception:  # a damaged file: pyxform reports it
            return None
        return total
    return None


_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_XML_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _xlsx_worksheets(archive: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """(sheet name, archive member) of each worksheet of an .xlsx archive."""
    workbook = xml_from_text(archive.read("xl/workbook.xml"))
    relations = xml_from_text(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        relation.get("Id"): relation.get("Target", "")
        for relation in relations
        if relation.get("Id")
    }
    for sheet in workbook.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(_RELATIONSHIP), "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        yield sheet.get("name", ""), posixpath.normpath(member)


def _xml_row_count(archive: zipfile.ZipFile, member: str, limit: int) -> int:
    """The rows of an .xlsx worksheet, read in chunks; counting stops once over `limit`."""
    count = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1024 * 1024):
            text = tail + chunk
            # A tag cut by the chunk's end is counted with the next chunk.
            cut = max(len(text) - 8, 0)
            count += len(_XML_ROW.findall(text, 0, cut))
            tail = text[cut:]
            if count > limit:
                return count
    return count + len(_XML_ROW.findall(tail))


SHEETS = ("survey", "choices", "settings")

# The survey columns that hold expressions (with pyxform's other spellings); `bind::` columns
# count by the name after the prefix.
EXPRESSION_COLUMNS = frozenset(
    {
        "relevant",
        "relevance",
        "constraint",
        "required",
        "calculation",
        "calculate",
        "choice_filter",
        "repeat_count",
        "default",
        "read_only",
        "readonly",
        "trigger",
    }
)


def limit_problems(workbook: dict[str, Any]) -> list[FormProblem]:
    """The rows over the form limits: sheets longer than XLSFORM_MAX_ROWS, expressions longer
    than XLSFORM_MAX_EXPRESSION_LENGTH or nested too deep, and regex() patterns that could
    backtrack without end in a browser (see `xpath.regex_risk`).

    Rows count first (cheap), then only if they are within the limit the expressions.
    """
    problems = [
        _too_many_rows(sheet)
        for sheet in SHEETS
        if isinstance(workbook.get(sheet), list) and len(workbook[sheet]) > max_rows()
    ]
    if problems:
        return problems
    longest = max_expression_length()
    for number, row in enumerate(workbook.get("survey") or [], start=FIRST_DATA_ROW):
        if not isinstance(row, dict):
            continue
        for column, cell in row.items():
            name = str(column).strip().lower().removeprefix("bind::")
            if name not in EXPRESSION_COLUMNS or not isinstance(cell, str) or not cell.strip():
                continue
            message = _expression_problem(cell, longest)
            if message:
                problems.append(
                    FormProblem(
                        _("Column “%(column)s”: %(message)s")
                        % {"column": column, "message": message},
                        sheet="survey",
                        row=number,
                    )
                )
    return problems


def _expression_problem(expression: str, longest: int) -> str | None:
    if len(expression) > longest:
        return _("the expression is longer than %(limit)d characters, the most allowed.") % {
            "limit": longest
        }
    try:
        tree = xpath.parse(expression)
    except xpath.ExpressionLimitError:
        return _(
            "the expression is nested more than %(limit)d levels deep, the most allowed; "
            "split it into calculate questions."
        ) % {"limit": xpath.MAX_DEPTH}
    except xpath.XPathError:
        return None  # other mistakes are pyxform's and ODK Validate's to report
    for pattern in _regex_patterns(tree):
        risk = xpath.regex_risk(pattern)
        if risk == "back-reference":
            return _(
                "the regex() pattern “%(pattern)s” uses a back-reference, which could take too "
                "long to check in a browser."
            ) % {"pattern": pattern}
        if risk:
            return _(
                "the regex() pattern “%(pattern)s” repeats a repetition, as in (a+)+, which "
                "could take too long to check in a browser; write it without nested repetition."
            ) % {"pattern": pattern}
    return None


def _regex_patterns(tree: xpath.Expression) -> Iterator[str]:
    """The literal patterns of the regex() calls in a syntax tree."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, xpath.Call):
            if node.name == "regex" and len(node.arguments) == 2:
                pattern = node.arguments[1]
                if isinstance(pattern, xpath.Literal) and isinstance(pattern.value, str):
                    yield pattern.value
            pending.extend(node.arguments)
        elif isinstance(node, xpath.Binary):
            pending += [node.left, node.right]
        elif isinstance(node, xpath.Negate):
            pending.append(node.operand)


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
                problems.append(
                    FormProblem(
                        _("Each row must be an object whose cells are text or numbers."),
                        sheet=sheet,
                        row=number,
                    )
                )
                continue
            cleaned.append(
                {
                    str(column): ""
                    if value is None
                    else ("yes" if value is True else "no" if value is False else str(value))
                    for column, value in row.items()
                }
            )
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
        validate = odk_validate_runs()
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
