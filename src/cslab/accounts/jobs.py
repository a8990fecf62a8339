"""Background job kinds of the accounts area."""

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.models import AuditEvent, Job
from cslab.core.personal_data import register_section, sections
from cslab.core.services.jobs import job_kind

DATA_EXPORT = "accounts.data_export"


@job_kind(DATA_EXPORT)
def export_personal_data(
    job: Job, report_progress: Callable[[int, str], None], *, user_id: int
) -> dict[str, Any]:
    """Collect what cslab holds about one person (GDPR Art. 15 and 20) as one JSON document.

    Every area contributes a section (`cslab.core.personal_data`); progress is reported per
    section, with untranslated messages that are translated when shown.
    """
    user = User.objects.get(pk=user_id)
    document: dict[str, Any] = {}
    all_sections = sections()
    for number, section in enumerate(all_sections):
        report_progress(number * 100 // len(all_sections), section.title)
        document[section.key] = section.collect(user)
    report_progress(100, gettext_noop("Done"))
    return document


@register_section("profile", gettext_noop("Profile"))
def _profile(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "bio": user.bio,
        "profile_public": user.profile_public,
        "site_role": user.site_role,
        "date_joined": user.date_joined.isoformat(),
    }


@register_section("email_addresses", gettext_noop("E-mail addresses"))
def _email_addresses(user: User) -> list[dict[str, Any]]:
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user)
    ]


@register_section("api_tokens", gettext_noop("API tokens"))
def _api_tokens(user: User) -> list[dict[str, Any]]:
    return [
        {
            "name": token.name,
            "created_at": token.created_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
        }
        for token in user.api_tokens.all()
    ]


@register_section("audit_events", gettext_noop("Your actions in the audit log"))
def _audit_events(user: User) -> list[dict[str, Any]]:
    return [
        {"action": event.action, "target": event.target_label, "time": event.created_at.isoformat()}
        for event in AuditEvent.objects.filter(actor=user).order_by("created_at")
    ]
