"""Background job kinds of the accounts area."""

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.models import AuditEvent, Job
from cslab.core.services.jobs import job_kind

DATA_EXPORT = "accounts.data_export"


@job_kind(DATA_EXPORT)
def export_personal_data(
    job: Job, report_progress: Callable[[int, str], None], *, user_id: int
) -> dict[str, Any]:
    """Collect what cslab holds about one person (GDPR Art. 15 and 20) as one JSON document.

    Each area adds its own section as it arrives; the export reports progress per section.
    Progress messages are stored untranslated and translated when shown, in the viewer's language.
    """
    user = User.objects.get(pk=user_id)
    report_progress(10, gettext_noop("Profile"))
    document: dict[str, Any] = {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "bio": user.bio,
            "profile_public": user.profile_public,
            "site_role": user.site_role,
            "date_joined": user.date_joined.isoformat(),
        }
    }
    report_progress(40, gettext_noop("E-mail addresses"))
    document["email_addresses"] = [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user)
    ]
    report_progress(60, gettext_noop("API tokens"))
    document["api_tokens"] = [
        {
            "name": token.name,
            "created_at": token.created_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
        }
        for token in user.api_tokens.all()
    ]
    report_progress(80, gettext_noop("Your actions in the audit log"))
    document["audit_events"] = [
        {"action": event.action, "target": event.target_label, "time": event.created_at.isoformat()}
        for event in AuditEvent.objects.filter(actor=user).order_by("created_at")
    ]
    report_progress(100, gettext_noop("Done"))
    return document
