"""Removing a person's identity from free text and JSON (GDPR Art. 17 erasure).

An erased person's e-mail address, display name and user name (the e-mail's local part) may
appear in text they or others typed: their own comments signed with their name, an audit
event's label, a notification's parameters. The erasers replace every such appearance,
ignoring letter case, with REMOVED; the rest of the text stays, so the research content and
the thread of a discussion keep their meaning.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet

REMOVED = "[removed]"
# Shorter needles match inside ordinary words ("Ann" in "annual"): a name or user name this
# short is left alone rather than wrecking every text it happens to appear in.
MINIMUM_NEEDLE_LENGTH = 4


def identity_needles(*, email: str, display_name: str) -> list[str]:
    """Return what identifies a person in text: e-mail, display name, e-mail's local part.

    Longest first, so that the e-mail is replaced whole before its local part is looked for.
    """
    local_part = email.split("@", 1)[0]
    found = {value.strip() for value in (email, display_name, local_part)}
    return sorted(
        (value for value in found if len(value) >= MINIMUM_NEEDLE_LENGTH),
        key=len,
        reverse=True,
    )


def _pattern(needles: Sequence[str]) -> re.Pattern[str] | None:
    if not needles:
        return None
    return re.compile("|".join(re.escape(needle) for needle in needles), re.IGNORECASE)


def redact_text(text: str, needles: Sequence[str]) -> str:
    """Return `text` with every appearance of a needle replaced by REMOVED."""
    pattern = _pattern(needles)
    if pattern is None or not text:
        return text
    return pattern.sub(REMOVED, text)


def redact_json(value: Any, needles: Sequence[str]) -> Any:
    """Return a copy of a JSON value with every string (keys too) redacted."""
    pattern = _pattern(needles)
    if pattern is None:
        return value
    return _redact_value(value, pattern)


def _redact_value(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(REMOVED, value)
    if isinstance(value, list):
        return [_redact_value(item, pattern) for item in value]
    if isinstance(value, dict):
        return {
            pattern.sub(REMOVED, key) if isinstance(key, str) else key: _redact_value(item, pattern)
            for key, item in value.items()
        }
    return value


def contains_any(text: str, needles: Iterable[str]) -> bool:
    """Return True if a needle appears in the text, ignoring letter case."""
    folded = (text or "").casefold()
    return any(needle.casefold() in folded for needle in needles)


def _json_spellings(needles: Sequence[str]) -> list[str]:
    """The needles as JSON text may spell them (non-ASCII letters escaped, as json.dumps does
    by default): what a text search of a JSON column has to look for."""
    spelled = {json.dumps(needle)[1:-1] for needle in needles}
    return sorted(spelled | set(needles))


def matching_filter(fields: Sequence[str], needles: Sequence[str]) -> Q:
    """A filter for rows where any of `fields` (text or JSON) may contain a needle.

    It may match a little more than `redact_text` would change (an escape sequence that only
    looks like a needle); `redact_queryset` writes only rows that really change.
    """
    condition = Q(pk__in=[])
    for field in fields:
        for needle in _json_spellings(needles):
            condition |= Q(**{f"{field}__icontains": needle})
    return condition


def redact_queryset(queryset: QuerySet[Any], fields: Sequence[str], needles: Sequence[str]) -> int:
    """Redact `fields` (text or JSON) of every row of the queryset; return how many changed.

    Row by row, with update() of the changed fields only: no save() signals, no auto_now
    fields moved, and rows nobody else is writing (the erased person's own) or only appending
    to (the audit log).
    """
    if not needles:
        return 0
    changed_rows = 0
    model = queryset.model
    for row in queryset.filter(matching_filter(fields, needles)).only("pk", *fields).iterator():
        changes: dict[str, Any] = {}
        for field in fields:
            value = getattr(row, field)
            redacted = (
                redact_text(value, needles)
                if isinstance(value, str)
                else redact_json(value, needles)
            )
            if redacted != value:
                changes[field] = redacted
        if changes:
            model._default_manager.filter(pk=row.pk).update(**changes)
            changed_rows += 1
    return changed_rows
