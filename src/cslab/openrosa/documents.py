"""The OpenRosa XML documents: formList, manifest, OpenRosaResponse; reading submissions.

Pure: data in, bytes or plain values out. Submissions are parsed with defusedxml (no DTDs, no
entities, no network), because they come from anyone holding a server address.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from cslab.forms.form_definition import FormDefinition, Question, QuestionKind

FORM_LIST_NAMESPACE = "http://openrosa.org/xforms/xformsList"
MANIFEST_NAMESPACE = "http://openrosa.org/xforms/xformsManifest"
RESPONSE_NAMESPACE = "http://openrosa.org/http/response"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True)
class FormListItem:
    form_id: str
    name: str
    version: str
    md5: str
    download_url: str
    manifest_url: str | None = None


@dataclass(frozen=True)
class MediaFileItem:
    filename: str
    md5: str
    download_url: str


def _element(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>"


def form_list(items: list[FormListItem]) -> bytes:
    """Return an OpenRosa formList document listing the forms."""
    parts = [XML_DECLARATION, f'<xforms xmlns="{FORM_LIST_NAMESPACE}">\n']
    for item in items:
        parts.append("  <xform>")
        parts.append(_element("formID", item.form_id))
        parts.append(_element("name", item.name))
        # Older Collect builds crashed on a missing version, so it is never empty.
        parts.append(_element("version", item.version or "1"))
        parts.append(_element("hash", f"md5:{item.md5}"))
        parts.append(_element("downloadUrl", item.download_url))
        if item.manifest_url:
            parts.append(_element("manifestUrl", item.manifest_url))
        parts.append("</xform>\n")
    parts.append("</xforms>\n")
    return "".join(parts).encode("utf-8")


def manifest(items: list[MediaFileItem]) -> bytes:
    """Return an OpenRosa manifest listing the media files of a form."""
    parts = [XML_DECLARATION, f'<manifest xmlns="{MANIFEST_NAMESPACE}">\n']
    for item in items:
        parts.append("  <mediaFile>")
        parts.append(_element("filename", item.filename))
        parts.append(_element("hash", f"md5:{item.md5}"))
        parts.append(_element("downloadUrl", item.download_url))
        parts.append("</mediaFile>\n")
    parts.append("</manifest>\n")
    return "".join(parts).encode("utf-8")


def openrosa_response(message: str, *, success: bool) -> bytes:
    """Return an OpenRosaResponse whose message ODK Collect shows to the person."""
    nature = "submit_success" if success else "error"
    return (
        f'{XML_DECLARATION}<OpenRosaResponse xmlns="{RESPONSE_NAMESPACE}" items="0">\n'
        f'  <message nature="{nature}">{escape(message)}</message>\n'
        "</OpenRosaResponse>\n"
    ).encode()


class SubmissionXmlError(ValueError):
    """The submission is not well-formed XML, or lacks what identifies it."""


@dataclass(frozen=True)
class SubmissionDocument:
    form_id: str
    version: str | None
    instance_id: str
    deprecated_id: str | None
    root: Element
    file_names: frozenset[str]


def _local(tag: Any) -> str:
    return str(tag).rpartition("}")[2]


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def submission_read(content: bytes) -> SubmissionDocument:
    """Parse a submission's XML and read the form, version and instance it belongs to."""
    try:
        root = fromstring(content, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise SubmissionXmlError(f"not well-formed XML: {error}") from None
    form_id = (root.get("id") or "").strip()
    if not form_id:
        raise SubmissionXmlError("the root element has no id attribute naming the form")
    meta = _child(root, "meta")
    instance = _child(meta, "instanceID") if meta is not None else None
    instance_id = (instance.text or "").strip() if instance is not None else ""
    if not instance_id:
        raise SubmissionXmlError("the submission has no meta/instanceID")
    deprecated = _child(meta, "deprecatedID") if meta is not None else None
    deprecated_id = (deprecated.text or "").strip() if deprecated is not None else ""
    version = (root.get("version") or "").strip()
    leaves = {
        (element.text or "").strip()
        for element in root.iter()
        if len(element) == 0 and (element.text or "").strip()
    }
    return SubmissionDocument(
        form_id=form_id,
        version=version or None,
        instance_id=instance_id,
        deprecated_id=deprecated_id or None,
        root=root,
        file_names=frozenset(leaves),
    )


def answers_from(root: Element, definition: FormDefinition) -> dict[str, Any]:
    """Turn a submission's elements into the answers dict of the JSON API.

    Groups are flattened (their questions answered by name), a repeat becomes a list of answer
    objects, unanswered questions are left out, integers become numbers and decimals numbers
    too; every other answer (select_multiple "a b", geopoint "lat lon alt acc", dates, file
    names) stays the text the form engine wrote. `meta` is left out.
    """
    return _level(root, definition.answered(), top=True)


def _level(element: Element, questions: list[Question], *, top: bool) -> dict[str, Any]:
    kinds = {question.name: question.kind for question in questions}
    repeats = {question.name: question for question in questions if question.is_repeat}
    answers: dict[str, Any] = {}
    for child in element:
        name = _local(child.tag)
        if top and name == "meta":
            continue
        if name in repeats:
            item = _level(child, repeats[name].answered(), top=False)
            answers.setdefault(name, []).append(item)
        elif len(child):
            answers.update(_level(child, questions, top=False))  # a group
        elif (child.text or "").strip():
            answers[name] = _typed(kinds.get(name, QuestionKind.UNKNOWN), child.text or "")
    return answers


def _typed(kind: QuestionKind, text: str) -> Any:
    if kind is QuestionKind.INTEGER and re.fullmatch(r"\s*-?\d+\s*", text):
        return int(text)
    if kind in (QuestionKind.DECIMAL, QuestionKind.RANGE):
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            return text
        if number.is_finite():
            return (
                int(number)
                if kind is QuestionKind.RANGE and number == number.to_integral()
                else float(number)
            )
    return text
