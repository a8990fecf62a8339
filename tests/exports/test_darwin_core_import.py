"""Reading a Darwin Core Archive for an import (issue 16): our own archives read back, other
writers' layouts honoured, hostile archives refused as invalid input, and the suggested
mapping of an archive's terms onto a biodiversity form."""

from __future__ import annotations

import io
import struct
import zipfile
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.exports import darwin_core_import
from cslab.exports.darwin_core_import import read_occurrence_table, suggested_mapping
from cslab.exports.darwin_core_mapping import darwin_core_mapping_save
from cslab.forms.demo import workbook_bytes
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from tests.exports.test_darwin_core import FIRST_ID, SECOND_ID, _archive, _records
from tests.projects.factories import ProjectFactory

OCCURRENCE = "http://rs.tdwg.org/dwc/terms/Occurrence"
DWC = "http://rs.tdwg.org/dwc/terms/"


def _zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _meta(fields: str, *, row_type: str = OCCURRENCE, attributes: str = "", extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">\n'
        f'  <core rowType="{row_type}" {attributes or _TAB_ATTRIBUTES}>\n'
        "    <files><location>occurrence.txt</location></files>\n"
        f"{fields}\n"
        "  </core>\n"
        f"{extra}"
        "</archive>\n"
    )


_TAB_ATTRIBUTES = (
    'encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" '
    'fieldsEnclosedBy="" ignoreHeaderLines="1"'
)
_SIMPLE_FIELDS = (
    '    <id index="0"/>\n'
    f'    <field index="0" term="{DWC}occurrenceID"/>\n'
    f'    <field index="1" term="{DWC}scientificName"/>'
)


def _simple(path: Path, rows: str = "occurrenceID\tscientificName\nx-1\tTurdus merula\n") -> Path:
    return _zip(path, {"meta.xml": _meta(_SIMPLE_FIELDS), "occurrence.txt": rows})


def _refusal(path: Path) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as caught:
        table = read_occurrence_table(path)
        list(table.rows())
    # Invalid input is a 400 (or 413) to any caller, never a server error.
    assert caught.value.status in {HTTPStatus.BAD_REQUEST, HTTPStatus.REQUEST_ENTITY_TOO_LARGE}
    return caught.value


# Our own archives


@pytest.mark.django_db
def test_an_archive_of_our_export_reads_back_with_its_terms_and_records(
    tmp_path: Path, birds: dict[str, Any]
) -> None:
    path = _archive(tmp_path, birds["project"], "garden_birds", actor=None, public=True)

    table = read_occurrence_table(path)

    assert table.headers[:4] == ["occurrenceID", "basisOfRecord", "eventDate", "scientificName"]
    assert {"decimalLatitude", "decimalLongitude", "coordinateUncertaintyInMeters"} <= set(
        table.headers
    )
    assert table.headers[-1] == "license"
    read = {row[0]: dict(zip(table.headers, row, strict=True)) for row in table.rows()}
    # The same records python-dwca-reader reads from the archive, cell for cell.
    assert read == _records(path)
    assert read[f"urn:{FIRST_ID}"]["scientificName"] == "Turdus merula"
    assert read[f"urn:{SECOND_ID}"]["decimalLongitude"] == "5.1214"


@pytest.mark.django_db
def test_rows_can_be_read_again_from_the_first_record(
    tmp_path: Path, birds: dict[str, Any]
) -> None:
    path = _archive(tmp_path, birds["project"], "garden_birds", actor=None, public=True)
    table = read_occurrence_table(path)

    first, second = list(table.rows()), list(table.rows())

    assert len(first) == 2
    assert first == second


# Archives written by other tools


def test_another_writers_layout_separators_defaults_and_encoding_are_honoured(
    tmp_path: Path,
) -> None:
    fields = (
        '    <id index="0"/>\n'
        f'    <field index="1" term="{DWC}scientificName"/>\n'
        f'    <field index="2" term="{DWC}eventDate"/>\n'
        f'    <field index="3" term="{DWC}individualCount" default="1"/>\n'
        f'    <field term="{DWC}basisOfRecord" default="HumanObservation"/>\n'
        '    <field term="http://purl.org/dc/terms/license" '
        'default="http://creativecommons.org/publicdomain/zero/1.0/legalcode"/>'
    )
    attributes = (
        'encoding="ISO-8859-1" fieldsTerminatedBy=";" linesTerminatedBy="\\r\\n" '
        'fieldsEnclosedBy="&quot;" ignoreHeaderLines="1"'
    )
    core = (
        "id;name;date;count\r\n"
        'obs-1;"Turdus merula; singing";2025-04-02;3\r\n'
        "\r\n"
        'obs-2;"Anas platyrhynchos ""mallard""\r\nby the pond";2025-04-03;\r\n'
        "obs-3;Pica pica;2025-04-04\r\n"
        "obs-4;Sitta europ\xe6a;2025-04-05;2\r\n"
    ).encode("latin-1")
    path = tmp_path / "other.zip"
    # A folder around the files (some tools zip one) and a multimedia extension, ignored.
    extension = (
        '  <extension rowType="http://rs.gbif.org/terms/1.0/Multimedia" encoding="UTF-8" '
        'fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" ignoreHeaderLines="0">\n'
        "    <files><location>multimedia.txt</location></files>\n"
        '    <coreid index="0"/>\n'
        '    <field index="1" term="http://purl.org/dc/terms/identifier"/>\n'
        "  </extension>\n"
    )
    _zip(
        path,
        {
            "dataset/meta.xml": _meta(fields, attributes=attributes, extra=extension),
            "dataset/occurrence.txt": core,
            "dataset/multimedia.txt": "obs-1\thttps://example.org/1.jpg\n",
        },
    )

    table = read_occurrence_table(path)

    assert table.headers == [
        "id",
        "scientificName",
        "eventDate",
        "individualCount",
        "basisOfRecord",
        "license",
    ]
    rows = list(table.rows())
    assert [row[0] for row in rows] == ["obs-1", "obs-2", "obs-3", "obs-4"]
    assert rows[0][1:4] == ["Turdus merula; singing", "2025-04-02", "3"]
    assert rows[1][1] == 'Anas platyrhynchos "mallard"\r\nby the pond'
    assert rows[1][3] == "1"  # an empty cell takes the field's default
    assert rows[2][3] == "1"  # so does a missing one
    assert rows[3][1] == "Sitta europæa"
    assert {row[4] for row in rows} == {"HumanObservation"}
    assert {row[5] for row in rows} == {
        "http://creativecommons.org/publicdomain/zero/1.0/legalcode"
    }


def test_the_text_guides_defaults_apply_when_meta_xml_leaves_the_layout_out(
    tmp_path: Path,
) -> None:
    fields = f'<field index="0" term="{DWC}occurrenceID"/><field index="1" term="{DWC}sex"/>'
    path = _zip(
        tmp_path / "defaults.zip",
        {
            # Commas, quotes, no header line, UTF-8 (a byte-order mark is dropped).
            "meta.xml": _meta(fields, attributes=" "),
            "occurrence.txt": '\ufeffa-1,"female, adult"\na-2,male\n'.encode(),
        },
    )

    table = read_occurrence_table(path)

    assert table.headers == ["occurrenceID", "sex"]
    assert list(table.rows()) == [["a-1", "female, adult"], ["a-2", "male"]]


# Hostile or broken archives


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "occurrence.zip"
    path.write_bytes(b"occurrenceID\tscientificName\nx\ty\n")

    assert _refusal(path).code == ProblemCode.INVALID_ARCHIVE


def test_an_archive_without_meta_xml_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bare.zip", {"occurrence.txt": "occurrenceID\nx-1\n"})

    error = _refusal(path)

    assert error.code == ProblemCode.INVALID_DARWIN_CORE_ARCHIVE
    assert "meta.xml" in error.message


def test_an_archive_with_an_event_core_is_refused(tmp_path: Path) -> None:
    event = "http://rs.tdwg.org/dwc/terms/Event"
    path = _zip(
        tmp_path / "event.zip",
        {"meta.xml": _meta(_SIMPLE_FIELDS, row_type=event), "occurrence.txt": "a\tb\n"},
    )

    error = _refusal(path)

    assert error.code == ProblemCode.INVALID_DARWIN_CORE_ARCHIVE
    assert event in error.message and "occurrence core" in error.message


def test_a_core_file_the_archive_does_not_hold_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "missing.zip", {"meta.xml": _meta(_SIMPLE_FIELDS)})

    assert "occurrence.txt" in _refusal(path).message


def test_a_zip_bomb_past_the_unpacked_limit_is_refused_before_it_is_unpacked(
    tmp_path: Path,
) -> None:
    path = _simple(tmp_path / "bomb.zip", "occurrenceID\tscientificName\n" + "0" * 1_000_000)
    # A megabyte of zeros packs to a kilobyte; declaring 600 MB unpacked (in the central
    # directory and the local header) makes it a bomb without writing 600 MB in the test.
    content = bytearray(path.read_bytes())
    declared = struct.pack("<I", 600 * 1024 * 1024)
    central = content.rindex(b"PK\x01\x02", 0, content.rindex(b"PK\x05\x06"))
    assert content[central + 46 : central + 46 + 14] == b"occurrence.txt"
    content[central + 24 : central + 28] = declared
    local = struct.unpack("<I", content[central + 42 : central + 46])[0]
    content[local + 22 : local + 26] = declared
    path.write_bytes(bytes(content))
    assert path.stat().st_size < 10_000

    error = _refusal(path)

    assert error.code == ProblemCode.ARCHIVE_TOO_LARGE
    assert "500 MB" in error.message


def test_an_archive_of_too_many_files_is_refused(tmp_path: Path) -> None:
    members: dict[str, str | bytes] = {
        f"extra/{number}.txt": "" for number in range(darwin_core_import.MAX_MEMBERS)
    }
    path = _zip(tmp_path / "many.zip", {**members, "meta.xml": _meta(_SIMPLE_FIELDS)})

    assert _refusal(path).code == ProblemCode.ARCHIVE_TOO_LARGE


@pytest.mark.parametrize("name", ["../occurrence.txt", "/etc/occurrence.txt", "a\\..\\b.txt"])
def test_a_member_name_that_leaves_the_archive_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "traversal.zip"
    _simple(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(zipfile.ZipInfo(name), "evil")

    error = _refusal(path)

    assert error.code == ProblemCode.INVALID_ARCHIVE
    assert name in error.message


def test_a_core_location_that_climbs_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    meta = _meta(_SIMPLE_FIELDS).replace(
        "<location>occurrence.txt</location>", "<location>../occurrence.txt</location>"
    )
    path = _zip(tmp_path / "location.zip", {"data/meta.xml": meta, "occurrence.txt": "a\tb\n"})

    assert _refusal(path).code == ProblemCode.INVALID_DARWIN_CORE_ARCHIVE


def test_entity_expansion_in_meta_xml_is_refused(tmp_path: Path) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    ]
    body = _meta(_SIMPLE_FIELDS).split("\n", 1)[1]
    meta = f'<?xml version="1.0"?>\n<!DOCTYPE archive [{"".join(entities)}]>\n' + body.replace(
        'metadata="eml.xml"', 'metadata="&lol9;"'
    )
    path = _zip(tmp_path / "laughs.zip", {"meta.xml": meta, "occurrence.txt": "a\tb\n"})

    error = _refusal(path)

    assert error.code == ProblemCode.INVALID_DARWIN_CORE_ARCHIVE
    assert "entities" in error.message


def test_an_external_entity_in_meta_xml_is_refused(tmp_path: Path) -> None:
    meta = (
        '<?xml version="1.0"?>\n<!DOCTYPE archive [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        + _meta(_SIMPLE_FIELDS.replace("occurrenceID", "&secret;")).split("\n", 1)[1]
    )
    path = _zip(tmp_path / "external.zip", {"meta.xml": meta, "occurrence.txt": "a\tb\n"})

    assert _refusal(path).code == ProblemCode.INVALID_DARWIN_CORE_ARCHIVE


def test_a_line_longer_than_the_limit_is_refused_before_it_is_held_whole(tmp_path: Path) -> None:
    huge = "x" * (darwin_core_import.MAX_LINE_CHARACTERS + 10)
    path = _simple(tmp_path / "long.zip", f"occurrenceID\tscientificName\nx-1\ty\nx-2\t{huge}\n")

    table = read_occurrence_table(path)  # the first record is fine
    with pytest.raises(InvalidInputError, match="longer than"):
        list(table.rows())


def test_a_core_that_is_not_in_the_encoding_meta_xml_names_is_refused(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "latin.zip",
        {
            "meta.xml": _meta(_SIMPLE_FIELDS),
            "occurrence.txt": "occurrenceID\tscientificName\nx-1\tSitta europ\xe6a\n".encode(
                "latin-1"
            ),
        },
    )

    error = _refusal(path)

    assert "UTF-8" in error.message


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ("<archive><core", "not well-formed"),
        ("<notanarchive/>", "no <archive>"),
        (
            _meta(_SIMPLE_FIELDS).replace('fieldsTerminatedBy="\\t"', 'fieldsTerminatedBy="||"'),
            "separators",
        ),
        (_meta(_SIMPLE_FIELDS).replace('encoding="UTF-8" f', 'encoding="klingon" f'), "klingon"),
        (_meta(f'<field index="minus one" term="{DWC}occurrenceID"/>'), "minus one"),
        (_meta('<field index="0"/>'), "no term"),
        (_meta(""), "no column"),
        (_meta(_SIMPLE_FIELDS) + _meta(_SIMPLE_FIELDS).split("\n", 1)[1], "not well-formed"),
    ],
)
def test_a_descriptor_that_cannot_be_followed_is_refused_with_the_reason(
    tmp_path: Path, meta: str, reason: str
) -> None:
    path = _zip(tmp_path / "descriptor.zip", {"meta.xml": meta, "occurrence.txt": "a\tb\n"})

    error = _refusal(path)

    assert error.code == ProblemCode.INVALID_DARWIN_CORE_ARCHIVE
    assert reason in error.message


def test_a_damaged_core_member_is_refused(tmp_path: Path) -> None:
    path = _simple(tmp_path / "damaged.zip", "occurrenceID\tscientificName\n" + "x\ty\n" * 5000)
    content = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        info = archive.getinfo("occurrence.txt")
    # Flip bytes in the middle of the packed core: its checksum no longer matches.
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    content[middle : middle + 4] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(content))

    assert _refusal(path).code in {
        ProblemCode.INVALID_ARCHIVE,
        ProblemCode.INVALID_DARWIN_CORE_ARCHIVE,
    }


# Suggested mapping


def _version(project: Any) -> FormVersion:
    return FormVersion.objects.filter(form__project=project).latest("id")


@pytest.mark.django_db
def test_the_suggested_mapping_inverts_the_forms_darwin_core_export(
    tmp_path: Path, birds: dict[str, Any]
) -> None:
    path = _archive(tmp_path, birds["project"], "garden_birds", actor=None, public=True)
    headers = read_occurrence_table(path).headers

    suggestion = suggested_mapping(_version(birds["project"]), headers)

    assert suggestion == {
        "species": "scientificName",
        "count": "individualCount",
        "remarks": "occurrenceRemarks",
        # One geopoint from three columns: latitude, longitude, accuracy.
        "where": "decimalLatitude decimalLongitude coordinateUncertaintyInMeters",
        "_observed_at": "eventDate",
        "_id_column": "occurrenceID",
    }


@pytest.mark.django_db
def test_the_suggested_mapping_follows_the_teams_stored_mapping(
    birds: dict[str, Any],
) -> None:
    project = birds["project"]
    darwin_core_mapping_save(
        actor=project.initiator,
        project=project,
        form_id="garden_birds",
        questions={"scientificName": "field_name", "individualCount": ""},
    )

    suggestion = suggested_mapping(
        _version(project), ["occurrenceID", "scientificName", "individualCount"]
    )

    assert suggestion == {"field_name": "scientificName", "_id_column": "occurrenceID"}


@pytest.mark.django_db
def test_the_suggested_mapping_matches_headers_to_question_names_and_skips_absent_terms(
    tmp_path: Path,
) -> None:
    project = ProjectFactory()
    form = {
        "survey": [
            {"type": "text", "name": "taxon", "label": "Taxon"},
            {"type": "text", "name": "vernacular_name", "label": "Common name"},
            {"type": "text", "name": "habitat", "label": "Habitat"},
            {"type": "geopoint", "name": "place", "label": "Place"},
        ],
        "settings": [{"form_id": "plants", "form_title": "Plants", "version": "1"}],
    }
    version = form_publish_xlsform(
        actor=None, project=project, file_name="plants.xlsx", content=workbook_bytes(form)
    )

    suggestion = suggested_mapping(
        version,
        [
            "id",
            "scientificName",
            "vernacularName",
            "habitat",
            "decimalLatitude",
            "decimalLongitude",
        ],
    )

    assert suggestion == {
        "taxon": "scientificName",
        "vernacular_name": "vernacularName",
        "habitat": "habitat",
        "place": "decimalLatitude decimalLongitude",  # no uncertainty column: two parts
        "_id_column": "id",
    }
