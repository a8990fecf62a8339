"""Consent versions and records for tests, stored directly (the consent services' own tests go
through the services)."""

import hashlib
from typing import Any

from django.utils import timezone

from cslab.consent.models import ConsentRecord, ConsentVersion
from cslab.consent.services.versions import version_fingerprint
from cslab.consent.vocabulary import ConsentChannel


def make_consent_version(
    project: Any,
    *,
    published: bool = True,
    text_en: str = "I agree that my observations are used for this research.",
    text_nl: str = "Ik ga akkoord dat mijn waarnemingen voor dit onderzoek worden gebruikt.",
    **fields: Any,
) -> ConsentVersion:
    """Store the project's next consent version (published unless told otherwise)."""
    number = (
        ConsentVersion.objects.filter(project=project).order_by("-number").first().number + 1
        if ConsentVersion.objects.filter(project=project).exists()
        else 1
    )
    version = ConsentVersion(
        project=project,
        number=number,
        text_en=text_en,
        text_nl=text_nl,
        published_at=timezone.now() if published else None,
        **fields,
    )
    if published:
        version.text_sha256 = version_fingerprint(version)
    version.save()
    return version


def make_consent(
    version: ConsentVersion,
    *,
    participant: Any = None,
    app_user: Any = None,
    channel: str = ConsentChannel.WEB,
    **fields: Any,
) -> ConsentRecord:
    """Store a current consent record of a person (or an app user) to the version."""
    ConsentRecord.objects.filter(
        project=version.project,
        participant=participant,
        app_user=app_user,
        withdrawn_at__isnull=True,
        superseded_at__isnull=True,
    ).update(superseded_at=timezone.now())
    return ConsentRecord.objects.create(
        project=version.project,
        version=version,
        participant=participant,
        app_user=app_user,
        channel=channel,
        language="en",
        text_shown=version.text_en,
        text_sha256=hashlib.sha256(version.text_en.encode()).hexdigest(),
        granted_at=timezone.now(),
        **fields,
    )
