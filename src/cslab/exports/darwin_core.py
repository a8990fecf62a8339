"""Darwin Core Archive: a form's observations as occurrences for GBIF (pure: no ORM, no clock).

The archive is a zip of ``meta.xml`` (which column holds which term), ``occurrence.txt`` (one
tab-separated line per observation, UTF-8, no quoting) and ``eml.xml`` (EML 2.2.0 as GBIF's
metadata profile reads it). Repeats are not occurrences: their rows are left out of the core.

Which question answers which term is a `DarwinCoreMapping`: defaults found from the question
names (`default_darwin_core_mapping`), which a caller may override term by term.
"""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cslab.core.errors import InvalidInputError
from cslab.exports.columns import Column, Table
from cslab.exports.selectors import ExportMetadata

DARWIN_CORE = "http://rs.tdwg.org/dwc/terms/"
DUBLIN_CORE = "http://purl.org/dc/terms/"
TEXT_GUIDE = "http://rs.tdwg.org/dwc/text/"
EML = "https://eml.ecoinformatics.org/eml-2.2.0"
XML = "http://www.w3.org/XML/1998/namespace"
OCCURRENCE = f"{DARWIN_CORE}Occurrence"
CORE_FILE = "occurrence.txt"

# The question names that answer a term unless the caller says otherwise, in order of preference.
DEFAULT_QUESTION_NAMES: dict[str, tuple[str, ...]] = {
    "scientificName": ("scientific_name", "scientificName", "species", "taxon", "taxon_name"),
    "individualCount": ("count", "individual_count", "number", "individuals"),
    "occurrenceRemarks": ("remarks", "notes", "comment"),
}
# Terms a question may answer (through the defaults or the caller's mapping), in column order.
# Everything else in the core comes from the export itself and cannot be remapped.
MAPPABLE_TERMS = (
    "scientificName",
    "vernacularName",
    "taxonRank",
    "kingdom",
    "individualCount",
    "organismQuantity",
    "organismQuantityType",
    "occurrenceStatus",
    "sex",
    "lifeStage",
    "habitat",
    "locality",
    "countryCode",
    "occurrenceRemarks",
)
# GBIF accepts only these three licences, and names them by their legal code (as the IPT does).
GBIF_LICENCE_URLS = {
    "CC0-1.0": "http://creativecommons.org/publicdomain/zero/1.0/legalcode",
    "CC-BY-4.0": "http://creativecommons.org/licenses/by/4.0/legalcode",
    "CC-BY-NC-4.0": "http://creativecommons.org/licenses/by-nc/4.0/legalcode",
}
BASIS_OF_RECORD = "HumanObservation"
GEODETIC_DATUM = "EPSG:4326"
# The name the services give each main row's observer as they chose to be credited (None: not
# named); only in exports that show observers.
RECORDED_BY_CELL = "_recorded_by"
# A line break of any kind would split a record; so would a TAB a field. Besides TAB, CR and LF,
# the characters Python's splitlines breaks at are replaced too, for readers that use it.
UNSAFE_IN_CELL = re.compile("[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

# EML's root must be prefixed as readers and GBIF's examples expect, not "ns0" (the registry is
# ElementTree's, global; this prefix is EML's own).
ElementTree.register_namespace("eml", EML)


@dataclass(frozen=True)
class DarwinCoreMapping:
    """Which question of the observations' table answers each mappable term."""

    questions: Mapping[str, str] = field(default_factory=dict)  # term -> question name


def _answer_columns(tables: Table) -> dict[str, Column]:
    """The observation table's columns that hold one question's answer as given."""
    return {
        column.name: column
        for column in tables.columns
        if column.question == column.name and column.reads == "value"
    }


def default_darwin_core_mapping(tables: Table) -> DarwinCoreMapping:
    """The terms the form's question names suggest: `species` → scientificName and so on.

    individualCount is only taken from an integer question: GBIF refuses other counts.
    """
    columns = _answer_columns(tables)
    questions: dict[str, str] = {}
    for term, names in DEFAULT_QUESTION_NAMES.items():
        for name in names:
            column = columns.get(name)
            if column is None or (term == "individualCount" and column.type != "integer"):
                continue
            questions[term] = name
            break
    return DarwinCoreMapping(questions=questions)


def darwin_core_mapping(
    tables: Table, overrides: Mapping[str, str] | None = None
) -> DarwinCoreMapping:
    """The default mapping with the caller's `overrides` (term → question name; an empty name
    leaves the term out). InvalidInputError for a term that cannot be mapped or a question that
    is not a plain answer of the observations' table (not in a repeat, not a geopoint)."""
    questions = dict(default_darwin_core_mapping(tables).questions)
    columns = _answer_columns(tables)
    problems: dict[str, list[str]] = {}
    for term, question in (overrides or {}).items():
        if term not in MAPPABLE_TERMS:
            problems[term] = [
                f"{term!r} is not a Darwin Core term a question can answer; choose one of "
                f"{', '.join(MAPPABLE_TERMS)}."
            ]
        elif not question:
            questions.pop(term, None)
        elif question not in columns:
            problems[term] = [
                f"The form has no question {question!r} answered once per observation."
            ]
        else:
            questions[term] = question
    if problems:
        message = " ".join(text for texts in problems.values() for text in texts)
        raise InvalidInputError(message, details=problems)
    return DarwinCoreMapping(questions=questions)


def core_terms(mapping: DarwinCoreMapping) -> list[str]:
    """The core's columns, each a qualified term; occurrenceID first (it is the record's id)."""
    mapped = [
        term for term in MAPPABLE_TERMS if term in mapping.questions and term != "scientificName"
    ]
    local = [
        "occurrenceID",
        "basisOfRecord",
        "eventDate",
        # Required by GBIF: present even when no question answers it.
        "scientificName",
        *mapped,
        "decimalLatitude",
        "decimalLongitude",
        "geodeticDatum",
        "coordinateUncertaintyInMeters",
        "recordedBy",
        "informationWithheld",
        "dataGeneralizations",
    ]
    return [f"{DARWIN_CORE}{term}" for term in local] + [f"{DUBLIN_CORE}license"]


def occurrence_id(instance_id: str) -> str:
    """An ODK instance ID as a URI: `uuid:…` becomes `urn:uuid:…`."""
    return f"urn:{instance_id}" if instance_id.startswith("uuid:") else instance_id


def licence_url(metadata: ExportMetadata) -> str:
    """The licence's legal code for GBIF's three licences; the project's URL for any other."""
    return GBIF_LICENCE_URLS.get(metadata.licence, metadata.licence_url)


def _is_time_coarsened(cells: Mapping[str, Any]) -> bool:
    # The submission time is always stored to the second: only the date of it means geoprivacy
    # coarsened this row's times. (observed_at may be a bare date because only the day was
    # known, which withholds nothing.)
    submitted = cells.get("submitted_at")
    return isinstance(submitted, str) and "T" not in submitted


def _number(value: Any) -> str:
    """A number as plain decimals (never 1e-05), to 7 places: about a centimetre in degrees."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:.7f}".rstrip("0").rstrip(".")
    return str(value)


def _answer(column: Column, value: Any) -> str:
    if value is None or value == "":
        return ""
    if column.choice_labels:
        return dict(column.choice_labels).get(str(value), str(value))
    return str(value)


def occurrence_record(
    tables: Table,
    cells: Mapping[str, Any],
    mapping: DarwinCoreMapping,
    metadata: ExportMetadata,
) -> dict[str, str]:
    """One observation's row as terms (local names, plus ``license``) and text values."""
    columns = _answer_columns(tables)
    record = {
        "occurrenceID": occurrence_id(str(cells.get("key") or "")),
        "basisOfRecord": BASIS_OF_RECORD,
        "eventDate": str(cells.get("observed_at") or cells.get("submitted_at") or ""),
        "scientificName": "",
    }
    for term, question in mapping.questions.items():
        record[term] = _answer(columns[question], cells.get(question))
    latitude, longitude = cells.get("latitude"), cells.get("longitude")
    has_point = latitude is not None and longitude is not None
    uncertainty = cells.get("coordinate_uncertainty_m")
    record.update(
        decimalLatitude=_number(latitude),
        decimalLongitude=_number(longitude),
        geodeticDatum=GEODETIC_DATUM if has_point else "",
        coordinateUncertaintyInMeters=_number(uncertainty) if has_point else "",
        # Only where the export shows observers (the project's team): a public export holds no
        # personal data, and even there a person is named only as they chose.
        recordedBy=str(cells.get(RECORDED_BY_CELL) or "") if metadata.true_locations else "",
        informationWithheld="",
        dataGeneralizations="",
        license=licence_url(metadata),
    )
    withheld = []
    if _is_time_coarsened(cells):
        withheld.append("Time of the observation coarsened to the day.")
        if not has_point and cells.get("geoprivacy") == "private":
            withheld.append("Coordinates withheld (private).")
    record["informationWithheld"] = " ".join(withheld)
    if cells.get("coordinates_obscured") and isinstance(uncertainty, (int, float)):
        # The uncertainty of an obscured point is at least the cell's half diagonal.
        across = round(2 * uncertainty, -2)
        record["dataGeneralizations"] = (
            f"Coordinates generalised to a grid cell of about {across:.0f} m (its diagonal): "
            "the point is a random point in the cell."
        )
    return record


def cell_text(value: str) -> str:
    """A value safe in a tab-separated line without quoting."""
    return UNSAFE_IN_CELL.sub(" ", value)


@dataclass
class Coverage:
    """The bounding box and the first and last day of the records seen so far."""

    west: float | None = None
    east: float | None = None
    south: float | None = None
    north: float | None = None
    first_day: str | None = None
    last_day: str | None = None

    def add(self, record: Mapping[str, str]) -> None:
        if record["decimalLatitude"] and record["decimalLongitude"]:
            latitude = float(record["decimalLatitude"])
            longitude = float(record["decimalLongitude"])
            self.west = longitude if self.west is None else min(self.west, longitude)
            self.east = longitude if self.east is None else max(self.east, longitude)
            self.south = latitude if self.south is None else min(self.south, latitude)
            self.north = latitude if self.north is None else max(self.north, latitude)
        day = record["eventDate"][:10]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            self.first_day = day if self.first_day is None else min(self.first_day, day)
            self.last_day = day if self.last_day is None else max(self.last_day, day)


def _local_name(term: str) -> str:
    return term.rsplit("/", 1)[-1]


def write_occurrences(
    output: IO[str],
    tables: Table,
    rows: Iterable[tuple[Table, dict[str, Any]]],
    mapping: DarwinCoreMapping,
    metadata: ExportMetadata,
) -> tuple[int, Coverage]:
    """Write the core's header and one line per observation as rows come; return the number
    of records and their coverage. Repetitions are skipped: they are not occurrences."""
    names = [_local_name(term) for term in core_terms(mapping)]
    output.write("\t".join(names) + "\n")
    coverage = Coverage()
    count = 0
    for table, cells in rows:
        if table.path:
            continue
        record = occurrence_record(tables, cells, mapping, metadata)
        coverage.add(record)
        output.write("\t".join(cell_text(record[name]) for name in names) + "\n")
        count += 1
    return count, coverage


def meta_xml(terms: list[str]) -> bytes:
    """The archive descriptor: the core's file, its layout and the term of each column."""
    # The text guide's namespace is the default one, declared on the root: ElementTree's
    # default_namespace option refuses the descriptor's unqualified attributes.
    archive = ElementTree.Element("archive", xmlns=TEXT_GUIDE, metadata="eml.xml")
    core = ElementTree.SubElement(
        archive,
        "core",
        {
            "encoding": "UTF-8",
            # Written as the text guide writes them, a backslash and a letter: readers decode.
            "fieldsTerminatedBy": "\\t",
            "linesTerminatedBy": "\\n",
            "fieldsEnclosedBy": "",
            "ignoreHeaderLines": "1",
            "rowType": OCCURRENCE,
        },
    )
    ElementTree.SubElement(ElementTree.SubElement(core, "files"), "location").text = CORE_FILE
    ElementTree.SubElement(core, "id", index="0")
    for index, term in enumerate(terms):
        ElementTree.SubElement(core, "field", index=str(index), term=term)
    ElementTree.indent(archive)
    document: bytes = ElementTree.tostring(archive, encoding="utf-8", xml_declaration=True)
    return document


def _add(parent: ElementTree.Element, tag: str, text: str | None = None) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _party(parent: ElementTree.Element, tag: str, metadata: ExportMetadata) -> None:
    # The project, not a person: the metadata of a public dataset names no volunteer.
    _add(_add(parent, tag), "organizationName", metadata.project_name)


def eml_xml(metadata: ExportMetadata, coverage: Coverage, record_count: int) -> bytes:
    """The dataset's metadata as EML 2.2.0 with the elements GBIF's profile requires."""
    root = ElementTree.Element(
        f"{{{EML}}}eml",
        {
            "packageId": f"{metadata.project_slug}.{metadata.form_id}."
            f"{metadata.exported_at:%Y%m%dT%H%M%SZ}",
            "system": "cslab",
            "scope": "system",
            f"{{{XML}}}lang": "en",
        },
    )
    dataset = _add(root, "dataset")
    _add(dataset, "title", f"{metadata.project_name}: {metadata.form_title}")
    _party(dataset, "creator", metadata)
    _party(dataset, "metadataProvider", metadata)
    _add(dataset, "pubDate", metadata.exported_at.date().isoformat())
    coordinates = (
        "the true coordinates"
        if metadata.true_locations
        else "public coordinates, generalised where geoprivacy asks for it"
    )
    _add(
        _add(dataset, "abstract"),
        "para",
        f"{record_count} citizen-science observations made with the form "
        f"\u201c{metadata.form_title}\u201d ({metadata.form_id}, "
        f"{'version' if len(metadata.form_versions) == 1 else 'versions'} "
        f"{', '.join(metadata.form_versions)}) of the project {metadata.project_name}, "
        f"with {coordinates}.",
    )
    rights = _add(_add(dataset, "intellectualRights"), "para")
    url = licence_url(metadata)
    if url:
        rights.text = "This work is licensed under a "
        link = _add(rights, "ulink")
        link.set("url", url)
        _add(link, "citetitle", metadata.licence_name)
        link.tail = "."
    else:
        rights.text = f"Licence: {metadata.licence_name}."
    if coverage.west is not None or coverage.first_day is not None:
        covered = _add(dataset, "coverage")
        if (
            coverage.west is not None
            and coverage.east is not None
            and coverage.north is not None
            and coverage.south is not None
        ):
            geographic = _add(covered, "geographicCoverage")
            _add(geographic, "geographicDescription", "The bounding box of the occurrences.")
            box = _add(geographic, "boundingCoordinates")
            _add(box, "westBoundingCoordinate", _number(coverage.west))
            _add(box, "eastBoundingCoordinate", _number(coverage.east))
            _add(box, "northBoundingCoordinate", _number(coverage.north))
            _add(box, "southBoundingCoordinate", _number(coverage.south))
        if coverage.first_day is not None and coverage.last_day is not None:
            dates = _add(_add(covered, "temporalCoverage"), "rangeOfDates")
            _add(_add(dates, "beginDate"), "calendarDate", coverage.first_day)
            _add(_add(dates, "endDate"), "calendarDate", coverage.last_day)
    _party(dataset, "contact", metadata)
    # GBIF's profile keeps the citation here, where the IPT writes it.
    gbif = _add(_add(_add(root, "additionalMetadata"), "metadata"), "gbif")
    _add(gbif, "dateStamp", metadata.exported_at.isoformat())
    _add(gbif, "hierarchyLevel", "dataset")
    _add(gbif, "citation", metadata.citation)
    ElementTree.indent(root)
    # Indenting puts line breaks into the licence's sentence: text inside a paragraph is kept.
    for part in rights.iter():
        if part is not rights:
            if part.text is not None and not part.text.strip():
                part.text = None
            if part.tail is not None and not part.tail.strip():
                part.tail = None
    document: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def write_dwca(
    destination: Path,
    tables: Table,
    rows: Iterable[tuple[Table, dict[str, Any]]],
    metadata: ExportMetadata,
) -> None:
    """Write the archive: the core streamed to a temporary file, then the descriptor and the
    metadata (which needs the coverage of every record), then the zip."""
    mapping = darwin_core_mapping(tables, metadata.darwin_core_mapping)
    with tempfile.TemporaryDirectory() as folder:
        core_path = Path(folder) / CORE_FILE
        with core_path.open("w", encoding="utf-8", newline="") as output:
            count, coverage = write_occurrences(output, tables, rows, mapping, metadata)
        with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("meta.xml", meta_xml(core_terms(mapping)))
            archive.write(core_path, CORE_FILE)
            archive.writestr("eml.xml", eml_xml(metadata, coverage, count))
