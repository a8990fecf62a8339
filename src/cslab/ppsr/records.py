"""PPSR Core project records (Project Metadata Model 2020.0) to and from cslab project data.

Pure: no ORM, no settings, no clock. `project_record` turns a `ProjectData` into one item of a
PPSR Core catalogue (`{"Project": [...]}`); `imported_project` turns one catalogue item from
another platform into the fields and tags of a cslab project, or raises `RecordError` with the
reasons in words. The selectors (`selectors/ppsr.py`) and the import service
(`services/ppsr_import.py`) do the reading and writing.

Export choices, so that every record validates against the PPSR Core JSON Schema:

* `projectId` is the project's address on this site (`<SITE_URL>/projects/<slug>`); an imported
  project keeps its identifier at the origin when that is already a URI or URN (globally unique).
* `projectStatus` from our lifecycle: idea, incubating, in review and changes requested are
  "Not yet started"; active and analysing "Active"; paused "On hold"; completed and archived
  "Completed".
* Dates are date-times at midnight UTC. The schema ties end date and duration together: with
  an end date the duration is the ISO 8601 number of days between start and end; without one,
  `projectEndDate` is left out and `projectDuration` is "Unknown".
* `projectScienceType` (one value in the schema) is the first PPSR science type of the project,
  else mapped from its first research domain, else from its faculty, else
  "Studies In Human Society - Other Studies In Human Society".
* `language` lists the project's ISO 639-1 language codes ("en, nl").
* `unRegions` are the UN M.49 regions of the project's countries; countries themselves are a
  PPSR extension attribute (`projectCountry`) that the core schema does not allow.
* `projectMedia` is always an object (the schema does not enforce its type, but a corrected
  schema would): an image URL and its credit, or empty strings when the project has no image.

Import choices are described in `imported_project`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django_countries import countries

from cslab.projects import geography
from cslab.projects.vocabulary import Difficulty, Faculty, ResearchDomain, TagKind

# The background-job kind of imports (`services.ppsr_import`), read by the selectors too.
IMPORT_JOB_KIND = "projects.ppsr_import"

# Controlled vocabularies of the PPSR Core JSON Schema, spelled exactly as the schema spells
# them (the typo "Asia - Central Asia 143)" and the en dashes included).
STATUSES = ("Not yet started", "Active", "Periodically active", "On hold", "Completed", "Abandoned")
DIFFICULTY_LEVELS = ("Easy", "Medium", "Hard")
HAS_TAGS = (
    "Fees applicable",
    "Suitable for children",
    "Teaching materials available",
    "Do-it-yourself",
    "Participate from home",
)
MEANS_OF_CONTACT = ("Email", "Phone", "Website", "Physical address")
MEDIA_TYPES = ("Image file", "Image URL", "Audio file", "Audio URL", "Video file", "Video URL")
_SCIENCE_FIELDS: dict[str, tuple[str, ...]] = {
    "Agricultural And Veterinary Sciences": (
        "Agriculture, Land And Farm Management",
        "Animal Production",
        "Crop And Pasture Production",
        "Fisheries Sciences",
        "Forestry Sciences",
        "Horticultural Production",
    ),
    "Art Theory And Criticism": (),
    "Biological Sciences": (
        "Biodiversity",
        "Ecology",
        "Evolutionary Biology",
        "Genetics",
        "Microbiology",
        "Other Biological Sciences",
        "Physiology",
        "Plant Biology",
        "Zoology",
    ),
    "Chemical Sciences": (
        "Analytical Chemistry",
        "Inorganic Chemistry",
        "Macromolecular And Materials Chemistry",
        "Medicinal And Biomolecular Chemistry",
        "Organic Chemistry",
        "Physical Chemistry",
        "Theoretical And Computational Chemistry",
    ),
    "Earth Sciences": (
        "Atmospheric Sciences",
        "Geochemistry",
        "Geology",
        "Geophysics",
        "Hydrological Sciences",
        "Oceanography",
        "Physical Geography And Environmental Geoscience",
    ),
    "Engineering": (
        "Aerospace Engineering",
        "Automotive Engineering",
        "Biomedical Engineering",
        "Chemical Engineering",
        "Civil Engineering",
        "Electrical And Electronic Engineering",
        "Environmental Engineering",
        "Food Sciences",
        "Manufacturing Engineering",
        "Maritime Engineering",
        "Materials Engineering",
        "Mechanical Engineering",
        "Other Engineering",
        "Resources Engineering And Extractive Metallurgy",
    ),
    "Environmental Sciences": (
        "Ecological Applications",
        "Environmental Science And Management",
        "Soil Sciences",
    ),
    "Information And Computing Sciences": (
        "Artificial Intelligence And Image Processing",
        "Computation Theory And Mathematics",
        "Computer Software",
        "Distributed Computing",
        "Information Systems",
        "Library And Information Studies",
    ),
    "Language, Communication And Culture": (
        "Communication And Media Studies",
        "Cultural Studies",
        "Language Studies",
        "Linguistics",
        "Literary Studies",
    ),
    "Law And Legal Studies": (),
    "Mathematical Sciences": (
        "Mathematical Physics",
        "Numerical And Computational Mathematics",
        "Other Mathematical Sciences",
    ),
    "Medical And Health Sciences": (
        "Cardiorespiratory Medicine And Haematology",
        "Clinical Sciences",
        "Complementary And Alternative Medicine",
        "Dentistry",
        "Human Movement And Sports Science",
        "Immunology",
        "Medical Biochemistry And Metabolomics",
        "Medical Microbiology",
        "Medical Physiology",
        "Neurosciences",
        "Nursing",
        "Nutrition And Dietetics",
        "Oncology And Carcinogenesis",
        "Optometry And Ophthalmology",
        "Paediatrics And Reproductive Medicine",
        "Pharmacology And Pharmaceutical Sciences",
        "Public Health And Health Services",
    ),
    "Philosophy And Religious Studies": (
        "Applied Ethics",
        "History And Philosophy Of Specific Fields",
        "Philosophy",
        "Religion And Religious Traditions",
    ),
    "Physical Sciences": (
        "Astronomical And Space Sciences",
        "Atomic, Molecular, Nuclear, Particle And Plasma Physics",
        "Classical Physics",
        "Condensed Matter Physics",
        "Optical Physics",
        "Other Physical Sciences",
        "Quantum Physics",
    ),
    "Psychology And Cognitive Sciences": ("Cognitive Science", "Psychology"),
    "Statistics": (),
    "Studies In Human Society": (
        "Anthropology",
        "Criminology",
        "Demography",
        "Human Geography",
        "Other Studies In Human Society",
        "Policy And Administration",
        "Political Science",
        "Social Work",
        "Sociology",
    ),
    "Technology": (
        "Agricultural Biotechnology",
        "Communications Technologies",
        "Computer Hardware",
        "Environmental Biotechnology",
        "Industrial Biotechnology",
        "Medical Biotechnology",
        "Nanotechnology",
        "Other Technology",
    ),
}
SCIENCE_TYPES: tuple[str, ...] = tuple(
    f"{field_name} - {subfield}" if subfield else field_name
    for field_name, subfields in _SCIENCE_FIELDS.items()
    for subfield in (subfields or ("",))
)
DEFAULT_SCIENCE_TYPE = "Studies In Human Society - Other Studies In Human Society"

# UN M.49 regions as the schema names them, with the ISO 3166-1 alpha-2 codes of their
# countries (Caribbean and Central America count as North America (003), and Eastern, Middle,
# Southern and Western Africa as Sub-Saharan Africa (202), as the schema's list has it).
_UN_REGION_COUNTRIES: dict[str, str] = {
    "Africa - Northern Africa (015)": "DZ EG EH LY MA SD TN",
    "Africa - Sub-Saharan Africa (202)": (
        "AO BF BI BJ BW CD CF CG CI CM CV DJ ER ET GA GH GM GN GQ GW IO KE KM LR LS MG ML MR MU "
        "MW MZ NA NE NG RE RW SC SH SL SN SO SS ST SZ TD TF TG TZ UG YT ZA ZM ZW"
    ),
    "Americas – South America (005)": "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE",
    "Americas – North America (003)": (
        "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX "
        "NI PA PM PR SV SX TC TT US VC VG VI"
    ),
    "Asia - Central Asia 143)": "KG KZ TJ TM UZ",
    "Asia - Eastern Asia (030)": "CN HK JP KP KR MN MO TW",
    "Asia - South-eastern Asia (035)": "BN ID KH LA MM MY PH SG TH TL VN",
    "Asia - Southern Asia (034)": "AF BD BT IN IR LK MV NP PK",
    "Asia - Western Asia (145)": "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE",
    "Europe - Eastern Europe (151)": "BG BY CZ HU MD PL RO RU SK UA",
    "Europe - Northern Europe (154)": "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ",
    "Europe - Southern Europe (039)": "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA",
    "Europe - Western Europe (155)": "AT BE CH DE FR LI LU MC NL",
    "Oceania - Australia and New Zealand (053)": "AU CC CX HM NF NZ",
    "Oceania - Melanesia (054)": "FJ NC PG SB VU",
    "Oceania - Micronesia (057)": "FM GU KI MH MP NR PW UM",
    "Oceania - Polynesia (061)": "AS CK NU PF PN TK TO TV WF WS",
    "World (001)": "",
}
UN_REGIONS: tuple[str, ...] = tuple(_UN_REGION_COUNTRIES)
_REGION_OF_COUNTRY = {
    code: region for region, codes in _UN_REGION_COUNTRIES.items() for code in codes.split()
}

STATUS_TO_PPSR = {
    "idea": "Not yet started",
    "incubating": "Not yet started",
    "in_review": "Not yet started",
    "changes_requested": "Not yet started",
    "active": "Active",
    "paused": "On hold",
    "analysing": "Active",
    "completed": "Completed",
    "archived": "Completed",
}
# "Not yet started" becomes incubating: in cslab a project runs only after Lab staff reviewed it.
PPSR_TO_STATUS = {
    "not yet started": "incubating",
    "active": "active",
    "periodically active": "active",
    "on hold": "paused",
    "completed": "completed",
    "abandoned": "archived",
}
UNKNOWN_STATUS_FALLBACK = "incubating"

_DOMAIN_SCIENCE_TYPE: dict[str, str] = {
    ResearchDomain.HEALTH: "Medical And Health Sciences - Public Health And Health Services",
    ResearchDomain.CLIMATE: "Earth Sciences - Atmospheric Sciences",
    ResearchDomain.BIODIVERSITY: "Biological Sciences - Biodiversity",
    ResearchDomain.ENVIRONMENT: "Environmental Sciences - Environmental Science And Management",
    ResearchDomain.WATER: "Earth Sciences - Hydrological Sciences",
    ResearchDomain.HERITAGE: "Language, Communication And Culture - Cultural Studies",
    ResearchDomain.SOCIAL: "Studies In Human Society - Sociology",
    ResearchDomain.ASTRONOMY: "Physical Sciences - Astronomical And Space Sciences",
    ResearchDomain.LANGUAGE: "Language, Communication And Culture - Linguistics",
    ResearchDomain.URBAN: "Studies In Human Society - Human Geography",
    ResearchDomain.EDUCATION: "Studies In Human Society - Other Studies In Human Society",
    ResearchDomain.TECHNOLOGY: "Technology - Other Technology",
}
_FACULTY_SCIENCE_TYPE: dict[str, str] = {
    Faculty.SCIENCE: "Biological Sciences - Other Biological Sciences",
    Faculty.MEDICINE: "Medical And Health Sciences - Public Health And Health Services",
    Faculty.SOCIAL_SCIENCES: "Studies In Human Society - Other Studies In Human Society",
    Faculty.HUMANITIES: "Language, Communication And Culture - Cultural Studies",
    Faculty.LAW: "Law And Legal Studies",
    Faculty.ARCHAEOLOGY: "Studies In Human Society - Anthropology",
    Faculty.GOVERNANCE: "Studies In Human Society - Policy And Administration",
    Faculty.ENGINEERING: "Engineering - Other Engineering",
}
# Science types to research domains, by the longest matching prefix; a science type without a
# sensible domain (chemistry, mathematics, law, ...) adds none.
_SCIENCE_PREFIX_DOMAIN: dict[str, str] = {
    "Agricultural And Veterinary Sciences - Fisheries Sciences": ResearchDomain.BIODIVERSITY,
    "Agricultural And Veterinary Sciences - Forestry Sciences": ResearchDomain.BIODIVERSITY,
    "Biological Sciences": ResearchDomain.BIODIVERSITY,
    "Biological Sciences - Genetics": "",
    "Biological Sciences - Microbiology": "",
    "Biological Sciences - Physiology": "",
    "Earth Sciences": ResearchDomain.ENVIRONMENT,
    "Earth Sciences - Atmospheric Sciences": ResearchDomain.CLIMATE,
    "Earth Sciences - Hydrological Sciences": ResearchDomain.WATER,
    "Earth Sciences - Oceanography": ResearchDomain.WATER,
    "Engineering": ResearchDomain.TECHNOLOGY,
    "Engineering - Environmental Engineering": ResearchDomain.ENVIRONMENT,
    "Environmental Sciences": ResearchDomain.ENVIRONMENT,
    "Information And Computing Sciences": ResearchDomain.TECHNOLOGY,
    "Language, Communication And Culture": ResearchDomain.LANGUAGE,
    "Medical And Health Sciences": ResearchDomain.HEALTH,
    "Physical Sciences - Astronomical And Space Sciences": ResearchDomain.ASTRONOMY,
    "Psychology And Cognitive Sciences": ResearchDomain.SOCIAL,
    "Studies In Human Society": ResearchDomain.SOCIAL,
    "Studies In Human Society - Human Geography": ResearchDomain.URBAN,
    "Technology": ResearchDomain.TECHNOLOGY,
}

# Limits of the cslab fields that imported text goes into.
NAME_MAX_LENGTH = 200
_SHORT_TEXT_LIMITS = {"contact_name": 200, "locality": 200, "equipment": 300}
_URL_MAX_LENGTH = 200

# Values of PPSR `language` that name a character encoding (the field's definition speaks of
# UTF-8, and catalogues such as the JRC inventory fill it with "UTF-8"), not a language.
_ENCODINGS = {"utf-8", "utf8", "utf-16", "unicode", "iso-8859-1", "latin-1", "ascii"}
_EXTRA_LANGUAGE_NAMES = {
    "chinese": "zh",
    "amharic": "am",
    "kurdish": "ku",
    "pashto": "ps",
    "somali": "so",
    "tigrinya": "ti",
}
_COUNTRY_ALIASES = {
    "uk": "GB",
    "usa": "US",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "holland": "NL",
}
_NO_VALUE = {"", "unknown", "none", "n/a", "na", "-", "null"}


# --- Export -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectData:
    """What a PPSR Core record says about a project; the selector fills it from the database."""

    project_id: str
    page_url: str
    name: str
    status: str
    created_at: datetime
    updated_at: datetime
    aim: str = ""
    description: str = ""
    start_date: date | None = None
    end_date: date | None = None
    approved_at: datetime | None = None
    science_types: Sequence[str] = ()
    domains: Sequence[str] = ()
    faculty: str = ""
    keywords: Sequence[str] = ()
    languages: Sequence[str] = ()
    countries: Sequence[str] = ()
    ppsr_tags: Sequence[str] = ()
    difficulty: str = ""
    website: str = ""
    responsible_party_name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    fallback_party_name: str = ""
    fallback_language: str = "en"
    fallback_email: str = ""
    locality: str = ""
    geographic_extent: dict[str, Any] | None = None
    centre_latitude: float | None = None
    centre_longitude: float | None = None
    image_url: str = ""
    image_credit: str = ""


def project_record(project: ProjectData) -> dict[str, Any]:
    """Return the PPSR Core record of one project (one item of `{"Project": [...]}`)."""
    start = project.start_date or (project.approved_at or project.created_at).date()
    description = project.description.strip() or project.aim.strip() or project.name
    aim = project.aim.strip() or _first_sentence(description)
    responsible = (
        project.responsible_party_name.strip()
        or project.contact_name.strip()
        or project.fallback_party_name
        or project.name
    )
    email = project.contact_email.strip() or project.fallback_email
    record: dict[str, Any] = {
        "projectId": project.project_id,
        "projectName": project.name,
        "projectAim": aim,
        "projectDescription": description,
        "projectStatus": STATUS_TO_PPSR.get(project.status, "Not yet started"),
        "projectStartDate": _date_time(start),
        "projectDateCreated": _instant(project.created_at),
        "projectLastUpdatedDate": _instant(project.updated_at),
        "projectScienceType": science_type_of(project),
        "language": ", ".join(sorted(project.languages)) or project.fallback_language,
        "projectResponsiblePartyName": responsible,
        "projectResponsiblePartyContactEmail": email,
        "contactPoint": {
            "contactName": project.contact_name.strip() or responsible,
            "contactDetails": project.contact_email.strip() or project.page_url,
            "contactPointType": "Project contact",
            "meansOfContact": "Email" if project.contact_email.strip() else "Website",
        },
        "projectGeographicLocation": _location(project),
        "projectMedia": {
            "projectMediaFile": project.image_url,
            "projectMediaType": "Image URL",
            "projectMediaCredit": project.image_credit,
        },
        "projectUrl": project.website or project.page_url,
    }
    if project.end_date is not None:
        record["projectEndDate"] = _date_time(project.end_date)
        record["projectDuration"] = f"P{max(0, (project.end_date - start).days)}D"
    else:
        record["projectDuration"] = "Unknown"
    if project.keywords:
        record["keyword"] = ", ".join(project.keywords)
    tags = [tag for tag in HAS_TAGS if tag in set(project.ppsr_tags)]
    if tags:
        record["hasTag"] = tags
    if project.difficulty in Difficulty.values:
        record["difficultyLevel"] = project.difficulty.capitalize()
    regions = sorted(
        {_REGION_OF_COUNTRY[code] for code in project.countries if code in _REGION_OF_COUNTRY},
        key=UN_REGIONS.index,
    )
    if regions:
        record["unRegions"] = regions
    if project.locality.strip():
        record["projectLocality"] = project.locality.strip()
    return record


def science_type_of(project: ProjectData) -> str:
    """Return the one PPSR science type that best describes the project."""
    for value in project.science_types:
        if value in SCIENCE_TYPES:
            return value
    for domain in project.domains:
        if domain in _DOMAIN_SCIENCE_TYPE:
            return _DOMAIN_SCIENCE_TYPE[domain]
    return _FACULTY_SCIENCE_TYPE.get(project.faculty, DEFAULT_SCIENCE_TYPE)


def _location(project: ProjectData) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if project.geographic_extent:
        location["projectGeographicCoverage"] = json.dumps(
            project.geographic_extent, separators=(",", ":")
        )
    if project.centre_latitude is not None and project.centre_longitude is not None:
        location["projectGeographicCoverageCentroidLatitude"] = project.centre_latitude
        location["projectGeographicCoverageCentroidLongitude"] = project.centre_longitude
        location["projectPinLatitude"] = project.centre_latitude
        location["projectPinLongitude"] = project.centre_longitude
    return location


def _date_time(day: date) -> str:
    return datetime.combine(day, time.min, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _first_sentence(text: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return sentence[:500]


# --- Import -------------------------------------------------------------------------------


class RecordError(ValueError):
    """A catalogue record that cannot become a project; `reasons` say why, in words."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class ImportedProject:
    """A catalogue record as cslab project data, with warnings about what was left out."""

    external_id: str
    name: str
    status: str
    fields: dict[str, Any]
    tags: dict[str, Iterable[str]]
    geographic_extent: dict[str, Any] | None
    responsible_party_name: str
    warnings: list[str] = field(default_factory=list)


def imported_project(record: Any) -> ImportedProject:
    """Return the cslab project data of one PPSR Core record; raise RecordError if unusable.

    A record needs a `projectId` and a `projectName` (at most 200 characters); everything
    else is taken leniently, and what cannot be used is left out with a warning:

    * `projectStatus`: Active and Periodically active → active, On hold → paused,
      Completed → completed, Abandoned → archived, Not yet started → incubating (unpublished
      until Lab staff review it); a missing or unknown status → incubating, with a warning.
    * Dates: ISO 8601 date-times or dates, or a bare year (1 January); "Unknown" or unreadable
      dates are left empty; an end date before the start date is dropped.
    * `projectScienceType` (one value, a list, or values separated by ";" or "|") → science
      type tags, and research domains by prefix; `keyword` (split on "," ";" "|") → keywords;
      `hasTag` → PPSR tags; `language` → ISO 639-1 codes (encodings such as "UTF-8" are
      ignored); the extension attribute `projectCountry` → ISO 3166-1 country codes.
    * `projectGeographicLocation`: the GeoJSON of `projectGeographicCoverage` (a string or an
      object) becomes the area; without it, the centroid or else the pin becomes a point. An
      area cslab cannot use is left out with a warning and the record still imports.
    * Contact: the first valid e-mail address of `projectResponsiblePartyContactEmail` and the
      contact point; the contact name when it names someone (not an address or "Unknown"),
      else the responsible party's name. A contact web address becomes the website when the
      record has no `projectUrl`.
    * Extension attributes `projectHowToParticipate` and `projectEquipment` fill how to take
      part and equipment. `unRegions`, `projectDuration`, `projectMedia` (cslab stores only
      uploaded images) and the record's own created/updated dates are not imported.
    """
    if not isinstance(record, dict):
        raise RecordError([_("The record is not a JSON object.")])
    reasons: list[str] = []
    external_id = _text(record.get("projectId"))
    if not external_id:
        reasons.append(_("The record has no projectId."))
    elif len(external_id) > 200:
        reasons.append(_("The projectId is longer than 200 characters."))
    name = _text(record.get("projectName"))
    if not name:
        reasons.append(_("The record has no projectName."))
    elif len(name) > NAME_MAX_LENGTH:
        reasons.append(
            _("The projectName is longer than %(limit)d characters.") % {"limit": NAME_MAX_LENGTH}
        )
    if reasons:
        raise RecordError(reasons)

    warnings: list[str] = []
    status = _status(record.get("projectStatus"), warnings)
    start_date = _date(record.get("projectStartDate"), "projectStartDate", warnings)
    end_date = _date(record.get("projectEndDate"), "projectEndDate", warnings)
    if start_date and end_date and end_date < start_date:
        warnings.append(_("The projectEndDate is before the projectStartDate; it was left out."))
        end_date = None
    contact_point = record.get("contactPoint")
    contact: dict[str, Any] = contact_point if isinstance(contact_point, dict) else {}
    responsible = _text(record.get("projectResponsiblePartyName"))
    fields: dict[str, Any] = {
        "aim": _text(record.get("projectAim")),
        "description": _text(record.get("projectDescription")),
        "how_to_take_part": _text(record.get("projectHowToParticipate")),
        "start_date": start_date,
        "end_date": end_date,
        "difficulty": _difficulty(record.get("difficultyLevel"), warnings),
        "equipment": _text(record.get("projectEquipment")),
        "contact_name": _contact_name(contact, responsible),
        "contact_email": _contact_email(record, contact, warnings),
        "website": _website(record, contact, warnings),
        "locality": _text(record.get("projectLocality")),
    }
    for name_of_field, limit in _SHORT_TEXT_LIMITS.items():
        if len(fields[name_of_field]) > limit:
            fields[name_of_field] = fields[name_of_field][:limit].rstrip()
            warnings.append(
                _("The %(field)s was cut to %(limit)d characters.")
                % {"field": name_of_field.replace("_", " "), "limit": limit}
            )
    science_types = _science_types(record.get("projectScienceType"), warnings)
    tags: dict[str, Iterable[str]] = {
        TagKind.SCIENCE_TYPE: science_types,
        TagKind.DOMAIN: sorted({d for d in map(domain_of_science_type, science_types) if d}),
        TagKind.KEYWORD: _split(record.get("keyword"), r"[,;|]"),
        TagKind.PPSR_TAG: _vocabulary(record.get("hasTag"), HAS_TAGS, "hasTag", warnings),
        TagKind.LANGUAGE: _languages(record.get("language"), warnings),
        TagKind.COUNTRY: _countries(record.get("projectCountry"), warnings),
    }
    geographic_extent = _area(record.get("projectGeographicLocation"), warnings)
    media = record.get("projectMedia")
    if isinstance(media, dict) and _text(media.get("projectMediaFile")):
        warnings.append(_("The projectMedia was not imported: cslab keeps uploaded images only."))
    return ImportedProject(
        external_id=external_id,
        name=name,
        status=status,
        fields=fields,
        tags=tags,
        geographic_extent=geographic_extent,
        responsible_party_name=responsible,
        warnings=warnings,
    )


def domain_of_science_type(science_type: str) -> str:
    """Return the research domain of a PPSR science type, or "" when none fits."""
    matches = [prefix for prefix in _SCIENCE_PREFIX_DOMAIN if science_type.startswith(prefix)]
    return _SCIENCE_PREFIX_DOMAIN[max(matches, key=len)] if matches else ""


def country_code(name: str) -> str:
    """Return the ISO 3166-1 alpha-2 code of a country name or code, or "" if unknown."""
    cleaned = re.sub(r"\s*\(the\)\s*$|\*$", "", name.strip()).strip()
    if not cleaned:
        return ""
    if cleaned.casefold() in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[cleaned.casefold()]
    if len(cleaned) <= 3 and cleaned.isalpha():
        code = countries.alpha2(cleaned)
        if code:
            return str(code)
    for language in ("en", "nl"):
        found = countries.by_name(cleaned, language=language)
        if isinstance(found, str) and found:
            return found
    return ""


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _status(value: Any, warnings: list[str]) -> str:
    text = _text(value)
    status = PPSR_TO_STATUS.get(text.casefold())
    if status is None:
        warnings.append(
            _(
                "The projectStatus “%(status)s” is not a PPSR Core status; the project was "
                "imported as incubating (unpublished until Lab staff review it)."
            )
            % {"status": text}
        )
        return UNKNOWN_STATUS_FALLBACK
    return status


def _date(value: Any, name: str, warnings: list[str]) -> date | None:
    text = _text(value)
    if text.casefold() in _NO_VALUE:
        return None
    try:
        moment = parse_datetime(text)
        if moment is not None:
            return moment.date()
        day = parse_date(text)
        if day is not None:
            return day
    except ValueError:
        pass
    year = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", text)
    if year and 1000 <= int(year.group(1)) <= 9999 and 1 <= int(year.group(2) or 1) <= 12:
        return date(int(year.group(1)), int(year.group(2) or 1), 1)
    warnings.append(
        _("The %(field)s “%(value)s” is not a date; it was left out.")
        % {"field": name, "value": text[:50]}
    )
    return None


def _difficulty(value: Any, warnings: list[str]) -> str:
    text = _text(value)
    if not text:
        return ""
    if text.casefold() in Difficulty.values:
        return text.casefold()
    warnings.append(
        _("The difficultyLevel “%(value)s” is not Easy, Medium or Hard; it was left out.")
        % {"value": text[:50]}
    )
    return ""


def _is_person_name(value: str) -> bool:
    lowered = value.casefold()
    return bool(
        value
        and lowered not in _NO_VALUE
        and len(value) <= 100
        and "@" not in value
        and "://" not in value
        and not lowered.startswith("www.")
    )


def _contact_name(contact: dict[str, Any], responsible: str) -> str:
    name = _text(contact.get("contactName"))
    return name if _is_person_name(name) else responsible


def _valid_email(value: str) -> str:
    candidate = value.strip().strip("<>").strip()
    if candidate.casefold().startswith("mailto:"):
        candidate = candidate[len("mailto:") :]
    try:
        validate_email(candidate)
    except ValidationError:
        return ""
    return candidate


def _contact_email(record: dict[str, Any], contact: dict[str, Any], warnings: list[str]) -> str:
    offered = [_text(record.get("projectResponsiblePartyContactEmail"))]
    if _text(contact.get("meansOfContact")).casefold() == "email":
        offered.append(_text(contact.get("contactDetails")))
    for text in offered:
        for part in re.split(r"[\s,;/]+", text):
            email = _valid_email(part)
            if email:
                return email
    if any("@" in text for text in offered):
        warnings.append(_("No valid contact e-mail address was found; it was left out."))
    return ""


def _valid_url(value: str) -> str:
    candidate = value.strip()
    if candidate.casefold().startswith("www."):
        candidate = f"http://{candidate}"
    if len(candidate) > _URL_MAX_LENGTH:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(candidate)
    except ValidationError:
        return ""
    return candidate


def _website(record: dict[str, Any], contact: dict[str, Any], warnings: list[str]) -> str:
    project_url = _text(record.get("projectUrl"))
    if project_url:
        url = _valid_url(project_url)
        if not url:
            warnings.append(
                _(
                    "The projectUrl is not a web address cslab can keep (http or https, at most "
                    "200 characters); it was left out."
                )
            )
        return url
    if _text(contact.get("meansOfContact")).casefold() == "website":
        return _valid_url(_text(contact.get("contactDetails")))
    return ""


def _split(value: Any, separators: str) -> list[str]:
    items: Iterable[Any] = value if isinstance(value, list) else [value]
    parts: list[str] = []
    for item in items:
        parts += [part.strip() for part in re.split(separators, _text(item))]
    unique: dict[str, None] = {}
    for part in parts:
        if part and part.casefold() not in _NO_VALUE:
            unique.setdefault(part[:200], None)
    return list(unique)


def _vocabulary(value: Any, terms: Sequence[str], name: str, warnings: list[str]) -> list[str]:
    by_folded = {term.casefold(): term for term in terms}
    known: list[str] = []
    for item in _split(value, r"[;|]"):
        term = by_folded.get(item.casefold())
        if term is None:
            warnings.append(
                _("The %(field)s “%(value)s” is not in the PPSR Core vocabulary; it was left out.")
                % {"field": name, "value": item[:80]}
            )
        elif term not in known:
            known.append(term)
    return known


def _science_types(value: Any, warnings: list[str]) -> list[str]:
    return _vocabulary(value, SCIENCE_TYPES, "projectScienceType", warnings)


_LANGUAGE_BY_NAME = {
    str(info[key]).casefold(): code
    for code, info in LANG_INFO.items()
    if len(code) == 2 and "name" in info
    for key in ("name", "name_local")
    if key in info
} | _EXTRA_LANGUAGE_NAMES


def _languages(value: Any, warnings: list[str]) -> list[str]:
    codes: list[str] = []
    for item in _split(value, r"[,;|/]"):
        folded = item.casefold()
        if folded in _ENCODINGS:
            continue
        code = folded if len(folded) == 2 and folded in LANG_INFO else ""
        code = code or _LANGUAGE_BY_NAME.get(folded, "")
        if not code and re.fullmatch(r"[a-z]{2}[-_][a-z]{2,4}", folded):
            code = folded[:2]
        if code and code not in codes:
            codes.append(code)
        elif not code:
            warnings.append(
                _("The language “%(value)s” is unknown; it was left out.") % {"value": item[:50]}
            )
    return codes


def _countries(value: Any, warnings: list[str]) -> list[str]:
    codes: list[str] = []
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        # Country names contain commas ("Palestine, State of"), so only ";" and "|" separate.
        names += _split(item, r"[;|]")
    for name in names:
        code = country_code(name)
        if code and code not in codes:
            codes.append(code)
        elif not code:
            warnings.append(
                _("The country “%(value)s” is unknown; it was left out.") % {"value": name[:80]}
            )
    return codes


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _area(location: Any, warnings: list[str]) -> dict[str, Any] | None:
    if not isinstance(location, dict):
        return None
    coverage = location.get("projectGeographicCoverage")
    if isinstance(coverage, str) and coverage.strip():
        try:
            coverage = json.loads(coverage)
        except json.JSONDecodeError:
            warnings.append(
                _("The projectGeographicCoverage is not GeoJSON; the area was left out.")
            )
            coverage = None
    if isinstance(coverage, dict) and coverage:
        try:
            geometry = geography.normalise_geometry(coverage)
            geography.extent_of(geometry)
        except geography.GeographyError as error:
            warnings.append(
                _("The projectGeographicCoverage was left out: %(reason)s") % {"reason": error}
            )
        except (TypeError, ValueError, KeyError, AttributeError):
            warnings.append(
                _("The projectGeographicCoverage is not a GeoJSON geometry; it was left out.")
            )
        else:
            return geometry
    for latitude_key, longitude_key in (
        ("projectGeographicCoverageCentroidLatitude", "projectGeographicCoverageCentroidLongitude"),
        ("projectPinLatitude", "projectPinLongitude"),
    ):
        latitude, longitude = (
            _number(location.get(latitude_key)),
            _number(location.get(longitude_key)),
        )
        if latitude is None or longitude is None:
            continue
        if -90 <= latitude <= 90 and -180 <= longitude <= 180:
            return {"type": "Point", "coordinates": [longitude, latitude]}
        warnings.append(
            _("The %(field)s position is outside the world; it was left out.")
            % {"field": latitude_key.removesuffix("Latitude")}
        )
    return None
