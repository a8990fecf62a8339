"""Export files, written as rows arrive so that memory stays bounded (no ORM here).

Each writer takes the tables, the rows (`(table, cells)` in any order of tables) and the
metadata, and writes one file at `destination`:

* ``csv``: a zip of one CSV per table (repeats linked by ``parent_key``) and a README with
  the licence, the citation and the form versions — as ODK Central's "CSV (zip)";
* ``xlsx``: one sheet per table and an "About" sheet; text is always written as text, so a
  cell starting with "=" is never a formula;
* ``geojson``: an RFC 7946 FeatureCollection; a repetition list is an array in its feature's
  properties; the metadata is a foreign member; observations without a place have a null
  geometry;
* ``datapackage``: a zip holding ``datapackage.json`` (Frictionless: field types and
  descriptions from the form, licence, citation) and the CSVs;
* ``parquet``: a zip of one Parquet file per table, the metadata in each file's key-value
  metadata and a README;
* ``dwca``: a Darwin Core Archive for GBIF, the observations as occurrences (`darwin_core`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from cslab.exports.columns import Column, Table
from cslab.exports.darwin_core import write_dwca
from cslab.exports.selectors import PRIVATE_CELL_PREFIX, ExportMetadata

Rows = Iterable[tuple[Table, dict[str, Any]]]
FORMATS = ("csv", "xlsx", "geojson", "datapackage", "parquet", "dwca")
SUFFIXES = {
    "csv": ".csv.zip",
    "xlsx": ".xlsx",
    "geojson": ".geojson",
    "datapackage": ".datapackage.zip",
    "parquet": ".parquet.zip",
    "dwca": ".dwca.zip",
}
MEDIA_TYPES = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "datapackage": "application/zip",
    "parquet": "application/zip",
    "dwca": "application/zip",
}
PARQUET_BATCH_ROWS = 5000
COORDINATE_DECIMALS = 7  # about a centimetre; RFC 7946 advises not to publish more
# Sheet names: at most 31 characters, none of []:*?/\
SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def readme_text(metadata: ExportMetadata, tables: Table) -> str:
    lines = [
        f"{metadata.project_name}: {metadata.form_title} ({metadata.form_id})",
        "",
        f"Licence: {metadata.licence_name} ({metadata.licence}) {metadata.licence_url}",
        f"Cite as: {metadata.citation}",
    ]
    if metadata.dataset == "observations":
        lines += [
            f"Form versions: {', '.join(metadata.form_versions)}",
            f"Coordinates: {metadata.as_dict()['coordinates']}",
        ]
    else:
        lines.append(f"Dataset: {metadata.dataset}")
        lines += [f"{name.replace('_', ' ').capitalize()}: {text}" for name, text in metadata.about]
    lines += [f"Exported at: {metadata.exported_at.isoformat()}", "", "Tables:"]
    for table in tables.every_table():
        link = " (rows link to their parent by parent_key)" if table.path else ""
        lines.append(f"- {table.name}{link}")
        lines.extend(f"    {column.name}: {column.description}" for column in table.columns)
    return "\n".join(lines) + "\n"


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _write_csv_files(folder: Path, tables: Table, rows: Rows) -> list[Path]:
    """One CSV per table in `folder`, streamed; returns their paths in table order."""
    paths: list[Path] = []
    files: dict[str, IO[str]] = {}
    writers: dict[str, Any] = {}
    try:
        for table in tables.every_table():
            path = folder / f"{table.name}.csv"
            paths.append(path)
            files[table.name] = path.open("w", encoding="utf-8", newline="")
            writers[table.name] = csv.writer(files[table.name])
            writers[table.name].writerow(table.column_names())
        names = {table.name: table.column_names() for table in tables.every_table()}
        for table, cells in rows:
            get = cells.get
            writers[table.name].writerow([_csv_cell(get(name)) for name in names[table.name]])
    finally:
        for handle in files.values():
            handle.close()
    return paths


class _Line:
    """A file-like object that hands back what the csv module writes to it."""

    def write(self, text: str) -> str:
        return text


def csv_lines(table: Table, rows: Rows) -> Iterator[str]:
    """`table`'s header and each of its rows as a CSV line (rows of other tables are left out),
    for streaming one table over HTTP. Values are written exactly as they are (no quoting of
    a leading "=", "+", "-" or "@": -5 stays -5), as in the zip's CSV files."""
    writer = csv.writer(_Line())
    names = table.column_names()
    yield writer.writerow(names)
    for row_table, cells in rows:
        if row_table.name == table.name:
            yield writer.writerow([_csv_cell(cells.get(name)) for name in names])


def _zip(destination: Path, members: Iterable[tuple[str, Path | str]]) -> None:
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            if isinstance(content, Path):
                archive.write(content, name)
            else:
                archive.writestr(name, content)


def write_csv(destination: Path, tables: Table, rows: Rows, metadata: ExportMetadata) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = _write_csv_files(Path(folder), tables, rows)
        _zip(
            destination,
            [("README.txt", readme_text(metadata, tables))] + [(path.name, path) for path in paths],
        )


def _frictionless_field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": column.name,
        "type": column.type,
        "description": column.description,
    }
    if column.type == "boolean":
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    return field


def _resource_name(table: Table) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", table.name.lower())


def datapackage_descriptor(tables: Table, metadata: ExportMetadata) -> dict[str, Any]:
    name = re.sub(r"[^a-z0-9._-]+", "-", f"{metadata.project_slug}-{metadata.form_id}".lower())
    parents = {child.name: table for table in tables.every_table() for child in table.children}
    resources = []
    for table in tables.every_table():
        schema: dict[str, Any] = {
            "fields": [_frictionless_field(column) for column in table.columns],
            "primaryKey": ["key"],
        }
        if table.name in parents:
            reference = {"resource": _resource_name(parents[table.name]), "fields": ["key"]}
            schema["foreignKeys"] = [{"fields": ["parent_key"], "reference": reference}]
        resources.append(
            {
                "name": _resource_name(table),
                "path": f"{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "name": name,
        "title": f"{metadata.project_name}: {metadata.form_title}",
        "description": readme_text(metadata, tables),
        "licenses": [
            {"name": metadata.licence, "path": metadata.licence_url, "title": metadata.licence_name}
        ],
        "citation": metadata.citation,
        "version": metadata.form_versions[0] if metadata.form_versions else "",
        "created": metadata.exported_at.isoformat(),
        "resources": resources,
    }


def write_datapackage(
    destination: Path, tables: Table, rows: Rows, metadata: ExportMetadata
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = _write_csv_files(Path(folder), tables, rows)
        descriptor = json.dumps(datapackage_descriptor(tables, metadata), indent=2)
        _zip(
            destination, [("datapackage.json", descriptor)] + [(path.name, path) for path in paths]
        )


def _sheet_title(name: str, taken: set[str]) -> str:
    base = SHEET_NAME_UNSAFE.sub("_", name)[:31] or "sheet"
    title, number = base, 1
    while title.lower() in taken:
        number += 1
        suffix = f"~{number}"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.lower())
    return title


def write_xlsx(destination: Path, tables: Table, rows: Rows, metadata: ExportMetadata) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    taken: set[str] = {"about"}
    sheets: dict[str, Any] = {}
    for table in tables.every_table():
        sheet = workbook.create_sheet(_sheet_title(table.name, taken))
        sheet.append(table.column_names())
        sheets[table.name] = sheet

    def cell(sheet: Any, value: Any) -> Any:
        written = WriteOnlyCell(sheet, value=None)
        if isinstance(value, str):
            # Set as a string directly: openpyxl would read "=…" as a formula.
            written._value = value
            written.data_type = "s"
        else:
            written.value = value
        return written

    names = {table.name: table.column_names() for table in tables.every_table()}
    for table, cells in rows:
        sheet = sheets[table.name]
        sheet.append([cell(sheet, cells.get(name)) for name in names[table.name]])
    about = workbook.create_sheet("About")
    for key, value in metadata.as_dict().items():
        text = ", ".join(value) if isinstance(value, list) else str(value)
        about.append([cell(about, key), cell(about, text)])
    workbook.save(destination)


def _coordinate(value: float) -> float:
    return round(value, COORDINATE_DECIMALS)


def _geojson_features(tables: Table, rows: Rows) -> Iterator[dict[str, Any]]:
    """Features in row order; each observation's repetitions become nested property arrays."""
    feature: dict[str, Any] | None = None
    by_key: dict[str, dict[str, Any]] = {}
    for table, cells in rows:
        if not table.path:
            if feature is not None:
                yield feature
            properties = {
                name: value
                for name, value in cells.items()
                if name not in {"latitude", "longitude"}
                and not name.startswith(PRIVATE_CELL_PREFIX)
            }
            latitude, longitude = cells.get("latitude"), cells.get("longitude")
            geometry = (
                {"type": "Point", "coordinates": [_coordinate(longitude), _coordinate(latitude)]}
                if latitude is not None and longitude is not None
                else None
            )
            feature = {"type": "Feature", "geometry": geometry, "properties": properties}
            by_key = {cells["key"]: properties}
            continue
        parent = by_key.get(cells["parent_key"])
        if parent is None:
            continue
        item = {name: value for name, value in cells.items() if name != "parent_key"}
        parent.setdefault(table.path[-1], []).append(item)
        by_key[cells["key"]] = item
    if feature is not None:
        yield feature


def write_geojson(destination: Path, tables: Table, rows: Rows, metadata: ExportMetadata) -> None:
    with destination.open("w", encoding="utf-8") as output:
        output.write('{"type": "FeatureCollection", "metadata": ')
        output.write(json.dumps(metadata.as_dict()))
        output.write(', "features": [')
        for number, feature in enumerate(_geojson_features(tables, rows)):
            output.write(",\n" if number else "\n")
            output.write(json.dumps(feature, ensure_ascii=False))
        output.write("\n]}\n")


def _arrow_type(column: Column) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    return {
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
    }.get(column.type, pa.string())


def _arrow_value(column: Column, value: Any) -> Any:
    """A value of the column's Arrow type; one that does not fit (stored as given) is text
    in a text column, or left out of a typed one rather than failing the export."""
    if value is None:
        return None
    if column.type == "integer":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if column.type == "number":
        return (
            float(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else None
        )
    if column.type == "boolean":
        return bool(value)
    return str(value)


def write_parquet(destination: Path, tables: Table, rows: Rows, metadata: ExportMetadata) -> None:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as parquet  # type: ignore[import-untyped,unused-ignore]

    file_metadata = {
        b"cslab": json.dumps(metadata.as_dict()).encode(),
        b"license": metadata.licence.encode(),
        b"citation": metadata.citation.encode(),
    }
    with tempfile.TemporaryDirectory() as folder:
        paths: list[Path] = []
        writers: dict[str, Any] = {}
        buffers: dict[str, list[list[Any]]] = {}
        schemas: dict[str, Any] = {}
        ordered = list(tables.every_table())
        by_name = {table.name: table for table in ordered}

        def flush(name: str) -> None:
            table = by_name[name]
            columns = buffers[name]
            if not columns or not columns[0]:
                return
            arrays = [
                pa.array(values, type=schemas[name].field(index).type)
                for index, values in enumerate(columns)
            ]
            writers[name].write_table(pa.Table.from_arrays(arrays, schema=schemas[name]))
            buffers[name] = [[] for _ in table.columns]

        try:
            for table in ordered:
                path = Path(folder) / f"{table.name}.parquet"
                paths.append(path)
                schemas[table.name] = pa.schema(
                    [
                        pa.field(
                            column.name,
                            _arrow_type(column),
                            metadata={"description": column.description},
                        )
                        for column in table.columns
                    ],
                    metadata=file_metadata,
                )
                writers[table.name] = parquet.ParquetWriter(path, schemas[table.name])
                buffers[table.name] = [[] for _ in table.columns]
            for table, cells in rows:
                columns = buffers[table.name]
                for index, column in enumerate(table.columns):
                    columns[index].append(_arrow_value(column, cells.get(column.name)))
                if len(columns[0]) >= PARQUET_BATCH_ROWS:
                    flush(table.name)
            for table in ordered:
                flush(table.name)
        finally:
            for writer in writers.values():
                writer.close()
        _zip(
            destination,
            [("README.txt", readme_text(metadata, tables))] + [(path.name, path) for path in paths],
        )


WRITERS: dict[str, Callable[[Path, Table, Rows, ExportMetadata], None]] = {
    "csv": write_csv,
    "xlsx": write_xlsx,
    "geojson": write_geojson,
    "datapackage": write_datapackage,
    "parquet": write_parquet,
    "dwca": write_dwca,
}


def read_text_member(path: Path, name: str) -> str:
    """One text member of a zip export (for tests and the round trip)."""
    with zipfile.ZipFile(path) as archive, archive.open(name) as member:
        return io.TextIOWrapper(member, encoding="utf-8").read()
