"""The consent area's part of a person's data export: every consent they gave, with the exact
text they were shown, and their withdrawals."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.consent.models import ConsentRecord
from cslab.core.personal_data import register_section


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@register_section("consents", gettext_noop("Your consents"))
def _consents(user: User) -> Iterator[dict[str, Any]]:
    records = (
        ConsentRecord.objects.filter(participant=user)
        .select_related("project", "version")
        .order_by("granted_at", "id")
    )
    for record in records.iterator(chunk_size=200):
        yield {
            "project": record.project.name,
            "project_slug": record.project.slug,
            "version": record.version.number,
            "ethics_approval_reference": record.version.ethics_approval_reference,
            "data_licence": record.version.data_licence,
            "channel": record.channel,
            "language": record.language,
            "text_shown": record.text_shown,
            "text_sha256": record.text_sha256,
            "meta_research": record.meta_research,
            "contact": record.contact,
            "is_minor": record.is_minor,
            "guardian_consent": record.guardian_consent,
            "guardian_name": record.guardian_name,
            # Someone else may have recorded it (a team member, for a paper form): by role only.
            "recorded_by": (
                "you" if record.recorded_by_id in (None, user.pk) else "the project team"
            ),
            "granted_at": _iso(record.granted_at),
            "superseded_at": _iso(record.superseded_at),
            "withdrawn_at": _iso(record.withdrawn_at),
            "withdrawal_choice": record.withdrawal_choice,
        }
