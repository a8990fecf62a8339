"""Reading uploaded CSV and XLSX files into tables for imports, hostile files included."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from cslab.core.errors import InvalidInputError
from cslab.exports.import_tables import read_csv_table, read_xlsx_table


def _csv(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "rows.csv"
    path.write_bytes(content)
    return path


def _xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / "rows.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    "content",
    [
        b"name,count\nBlackbird,3\nRobin,1\n",
        b"\xef\xbb\xbfname,count\r\nBlackbird,3\r\nRobin,1\r\n",
        b"name;count\nBlackbird;3\nRobin;1\n",
        b"name\tcount\nBlackbird\t3\nRobin\t1\n",
    ],
    ids=["comma", "utf-8 with BOM and CRLF", "semicolon", "tab"],
)
def test_a_csv_is_read_whatever_its_delimiter_and_byte_order_mark(
    tmp_path: Path, content: bytes
) -> None:
    table = read_csv_table(_csv(tmp_path, content))

    assert table.headers == ["name", "count"]
    assert list(table.rows()) == [["Blackbird", "3"], ["Robin", "1"]]


def test_rows_can_be_read_again_from_the_first_row(tmp_path: Path) -> None:
    table = read_csv_table(_csv(tmp_path, b"a,b\n1,2\n"))

    assert list(table.rows()) == list(table.rows()) == [["1", "2"]]


def test_short_rows_are_padded_and_quoted_cells_keep_their_delimiters_and_lines(
    tmp_path: Path,
) -> None:
    table = read_csv_table(_csv(tmp_path, b'a,b,c\n1\n"x, y","line\nbreak",3\n'))

    assert list(table.rows()) == [["1", "", ""], ["x, y", "line\nbreak", "3"]]


def test_accented_text_in_utf8_is_kept(tmp_path: Path) -> None:
    table = read_csv_table(_csv(tmp_path, "soort\nGroenling é ü\n".encode()))

    assert list(table.rows()) == [["Groenling é ü"]]


def test_a_csv_that_is_not_utf8_is_refused_with_advice(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="UTF-8"):
        read_csv_table(_csv(tmp_path, "soort\nGroenling é\n".encode("cp1252")))


@pytest.mark.parametrize("process_limit", [None, 2**31 - 1])
def test_a_field_far_longer_than_a_spreadsheet_cell_is_refused_not_held(
    tmp_path: Path, process_limit: int | None
) -> None:
    """Refused too when a library (frictionless does on import) raised csv's process limit."""
    previous = csv.field_size_limit()
    if process_limit is not None:
        csv.field_size_limit(process_limit)
    huge = b'"' + b"x" * 200_000 + b'"'
    table = read_csv_table(_csv(tmp_path, b"species,note\nblackbird," + huge + b"\n"))
    try:
        with pytest.raises(InvalidInputError, match="not a readable CSV"):
            list(table.rows())
    finally:
        csv.field_size_limit(previous)


def test_a_column_without_a_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="Column 2 has no name"):
        read_csv_table(_csv(tmp_path, b"a,,c\n1,2,3\n"))


def test_empty_columns_after_the_last_named_one_are_ignored(tmp_path: Path) -> None:
    table = read_csv_table(_csv(tmp_path, b"a,b,,\n1,2,,\n"))

    assert table.headers == ["a", "b"]
    assert list(table.rows()) == [["1", "2"]]


def test_a_column_name_given_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="Two columns are named “count”"):
        read_csv_table(_csv(tmp_path, b"count,name,count\n1,a,2\n"))


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="first row"):
        read_csv_table(_csv(tmp_path, b""))


def test_a_workbook_is_read_from_its_first_sheet_as_text(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path,
        [
            ["name", "count", "length", "day", "when", "seen"],
            # Spreadsheet cells hold no time zone.
            ["Blackbird", 3, 12.5, date(2025, 4, 2), datetime(2025, 4, 2, 7, 30), True],  # noqa: DTZ001
        ],
    )

    table = read_xlsx_table(path)

    assert table.headers == ["name", "count", "length", "day", "when", "seen"]
    assert list(table.rows()) == [
        ["Blackbird", "3", "12.5", "2025-04-02", "2025-04-02T07:30:00", "1"]
    ]


def test_a_formula_is_never_evaluated_and_an_uncalculated_one_reads_as_empty(
    tmp_path: Path,
) -> None:
    path = _xlsx(tmp_path, [["a", "b"], ["1", '=WEBSERVICE("http://example.org")']])

    table = read_xlsx_table(path)

    assert list(table.rows()) == [["1", ""]]


def test_a_workbook_with_duplicate_headers_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="Two columns"):
        read_xlsx_table(_xlsx(tmp_path, [["a", "a"], [1, 2]]))


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rows.xlsx"
    path.write_bytes(b"name,count\n")

    with pytest.raises(InvalidInputError, match="not a readable Excel workbook"):
        read_xlsx_table(path)


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_not_read(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())

    with pytest.raises(InvalidInputError, match="unpacks to far more"):
        read_xlsx_table(path)
