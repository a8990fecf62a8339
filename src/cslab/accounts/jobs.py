"""Background job kinds of the accounts area."""

import re
from collections.abc import Callable, Iterator
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.models import AuditEvent, Job
from cslab.core.personal_data import materialise, register_section, sections
from cslab.core.services.jobs import job_kind

DATA_EXPORT = "accounts.data_export"


@job_kind(DATA_EXPORT)
def export_personal_data(
    job: Job, report_progress: Callable[[int, str], None], *, user_id: int
) -> dict[str, Any]:
    """Collect what cslab holds about one person (GDPR Art. 15 and 20) as one JSON document.

    The zip export (`privacy.personal_data_export`, with CSV files and media) replaced it on
    the pages; this JSON form stays for jobs already queued and API clients that start it.
    Every area contributes a section (`cslab.core.personal_data`); progress is reported per
    section, with untranslated messages that are translated when shown.
    """
    user = User.objects.get(pk=user_id)
    document: dict[str, Any] = {}
    all_sections = sections()
    for number, section in enumerate(all_sections):
        report_progress(number * 100 // len(all_sections), section.title)
        document[section.key] = materialise(section.collect(user))
    report_progress(100, gettext_noop("Done"))
    return document


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@register_section("profile", gettext_noop("Profile"))
def _profile(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
        "bio": user.bio,
        "profile_public": user.profile_public,
        "site_role": user.site_role,
        "is_active": user.is_active,
        "is_superuser": user.is_superuser,
        "date_joined": user.date_joined.isoformat(),
        "last_login": _iso(user.last_login),
        "has_password": user.has_usable_password(),
    }


@register_section("email_addresses", gettext_noop("E-mail addresses"))
def _email_addresses(user: User) -> list[dict[str, Any]]:
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user)
    ]


@register_section("linked_accounts", gettext_noop("Accounts you log in with"))
def _linked_accounts(user: User) -> list[dict[str, Any]]:
    return [
        {
            "provider": account.provider,
            "uid": account.uid,
            "last_login": _iso(account.last_login),
            "date_joined": _iso(account.date_joined),
            "extra_data": account.extra_data,
        }
        for account in SocialAccount.objects.filter(user=user).order_by("id")
    ]


@register_section("api_tokens", gettext_noop("API tokens"))
def _api_tokens(user: User) -> list[dict[str, Any]]:
    # The token's hash is left out: it is the secret's stand-in and says nothing about you.
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at.isoformat(),
            "last_used_at": _iso(token.last_used_at),
            "revoked_at": _iso(token.revoked_at),
        }
        for token in user.api_tokens.all()
    ]


@register_section("jobs", gettext_noop("Background jobs you started"))
def _jobs(user: User) -> Iterator[dict[str, Any]]:
    # Arguments and results may hold other areas' data (an import's rows): the job's own facts.
    jobs = Job.objects.filter(started_by=user).order_by("created_at")
    for job in jobs.iterator(chunk_size=500):
        yield {
            "kind": job.kind,
            "title": job.title,
            "status": job.status,
            "created_at": _iso(job.created_at),
            "finished_at": _iso(job.finished_at),
        }


_EMAIL = re.compile(r"[^@\s\"'<>(),;:]+@[^@\s\"'<>(),;:]+\.[A-Za-z]{2,}")
SOMEONE_ELSE = "[another person]"
# Details keys that hold a person's identity: kept only when the person is the one exported.
_PERSON_KEYS = frozenset({"email", "display_name", "person", "guardian_name"})


def _scrub(value: Any, own: set[str]) -> Any:
    """Return audit details without other people's e-mail addresses and names."""
    if isinstance(value, dict):
        return {
            key: (
                SOMEONE_ELSE
                if key in _PERSON_KEYS and str(item).lower() not in own
                else _scrub(item, own)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item, own) for item in value]
    if isinstance(value, str):
        return _EMAIL.sub(
            lambda match: match.group(0) if match.group(0).lower() in own else SOMEONE_ELSE,
            value,
        )
    return value


@register_section("audit_events", gettext_noop("The audit log about you"))
def _audit_events(user: User) -> Iterator[dict[str, Any]]:
    """What the person did (actor) and what was done to their account (target), with details.

    A target that is another object is named by its type and id only: its label may name
    another person (a membership reads "their e-mail in the project").
    """
    user_type = ContentType.objects.get_for_model(User)
    own = {user.email.lower(), user.display_name.lower()} - {""}
    own |= {
        address.lower()
        for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    events = (
        AuditEvent.objects.filter(Q(actor=user) | Q(target_type=user_type, target_id=str(user.pk)))
        .select_related("target_type")
        .order_by("created_at", "id")
    )
    for event in events.iterator(chunk_size=500):
        about_you = event.target_type_id == user_type.pk and event.target_id == str(user.pk)
        yield {
            "action": event.action,
            "by_you": event.actor_id == user.pk,
            "target_type": event.target_type.model if event.target_type else None,
            "target_id": event.target_id,
            "target": event.target_label if about_you else None,
            "details": _scrub(event.details, own),
            "time": event.created_at.isoformat(),
        }
