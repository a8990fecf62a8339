"""What changed between two published versions of a resource. Pure: no ORM, no clock.

A version's `content` (see `hub.services.versions.resource_snapshot`) is a flat dict of field
name to text or to a list of texts. `version_diff` compares two of them: long texts as a line
diff (difflib), short fields and lists as before/after, with what was added and removed.
"""

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cslab.hub.vocabulary import (
    ParticipationLevel,
    ResourceKind,
    ResourceLanguage,
    ResourceLicence,
    TemplateType,
)

# Field names in the order a reader meets them, with their labels.
FIELD_LABELS: dict[str, str | Promise] = {
    "title": _("Title"),
    "summary": _("Summary"),
    "body": _("Text"),
    "kind": _("Kind"),
    "template_type": _("Template for"),
    "organisation": _("Organisation"),
    "department": _("Department"),
    "participation_level": _("Participation level"),
    "language": _("Language"),
    "licence": _("Licence"),
    "faculty": _("Faculties"),
    "domain": _("Research domains"),
    "phase": _("Research phases"),
    "sdg": _("UN Sustainable Development Goals"),
    "audience": _("Audience"),
    "keyword": _("Keywords"),
    "authors": _("Authors"),
    "links": _("Links"),
    "files": _("Files"),
    "case_study_context": _("Context"),
    "case_study_methods": _("Methods"),
    "case_study_lessons": _("Lessons learned"),
    "case_study_period": _("Period"),
    "case_study_place": _("Place"),
    "case_study_participants": _("Who took part"),
    "case_study_people": _("People involved"),
    "case_study_outputs": _("Outputs"),
    "case_study_impacts": _("Impacts"),
    "case_study_projects": _("cslab projects"),
}

# Fields holding a code of a vocabulary: shown by their label.
CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "kind": dict(ResourceKind.choices),
    "template_type": dict(TemplateType.choices),
    "participation_level": dict(ParticipationLevel.choices),
    "language": dict(ResourceLanguage.choices),
    "licence": dict(ResourceLicence.choices),
}

# A text longer than this, or with more than one line, is compared line by line.
LONG_TEXT = 160
CONTEXT_LINES = 2


@dataclass(frozen=True)
class DiffLine:
    """One line of a text diff: "added", "removed", "same" or "gap" (unchanged lines left out)."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One field that differs. `kind` is "text" (see `lines`), "list" or "value"."""

    name: str
    label: str | Promise
    kind: str
    before: Any
    after: Any
    lines: list[DiffLine] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def version_diff(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """Return the fields whose value differs between two snapshots, in reading order."""
    names = [name for name in FIELD_LABELS if name in old or name in new]
    names += sorted((set(old) | set(new)) - set(FIELD_LABELS))
    changes: list[FieldChange] = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if before == after or (not before and not after):
            continue
        label = FIELD_LABELS.get(name, name)
        if isinstance(before, list) or isinstance(after, list):
            before_list = [str(item) for item in before or []]
            after_list = [str(item) for item in after or []]
            changes.append(
                FieldChange(
                    name=name,
                    label=label,
                    kind="list",
                    before=before_list,
                    after=after_list,
                    added=[item for item in after_list if item not in before_list],
                    removed=[item for item in before_list if item not in after_list],
                )
            )
            continue
        before_text, after_text = str(before or ""), str(after or "")
        if _is_long(before_text) or _is_long(after_text):
            changes.append(
                FieldChange(
                    name=name,
                    label=label,
                    kind="text",
                    before=before_text,
                    after=after_text,
                    lines=line_diff(before_text, after_text),
                )
            )
        else:
            labels: dict[Any, Any] = CHOICE_LABELS.get(name, {})
            changes.append(
                FieldChange(
                    name=name,
                    label=label,
                    kind="value",
                    before=labels.get(before, before),
                    after=labels.get(after, after),
                )
            )
    return changes


def line_diff(before: str, after: str, context: int = CONTEXT_LINES) -> list[DiffLine]:
    """Return the lines removed and added, with `context` unchanged lines around each change."""
    old_lines, new_lines = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    lines: list[DiffLine] = []
    for group in matcher.get_grouped_opcodes(context):
        if lines or (group and (group[0][1] > 0 or group[0][3] > 0)):
            lines.append(DiffLine("gap", ""))
        for tag, old_start, old_end, new_start, new_end in group:
            if tag == "equal":
                lines.extend(DiffLine("same", text) for text in old_lines[old_start:old_end])
                continue
            if tag in ("replace", "delete"):
                lines.extend(DiffLine("removed", text) for text in old_lines[old_start:old_end])
            if tag in ("replace", "insert"):
                lines.extend(DiffLine("added", text) for text in new_lines[new_start:new_end])
    return lines


def _is_long(text: str) -> bool:
    return "\n" in text or len(text) > LONG_TEXT
