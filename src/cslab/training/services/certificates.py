"""Writes of certificates by their holder: show or hide one on the public profile."""

from django.db import transaction

from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.services.audit import audit_record
from cslab.training.models import Certificate


@transaction.atomic
def certificate_set_shown_on_profile(
    *, actor: Actor, certificate: Certificate, show: bool
) -> Certificate:
    """Show the certificate on the holder's public profile, or hide it. Only the holder
    (anyone else: NotFoundError). The profile lists a shown certificate only while the
    profile is public and the certificate not revoked."""
    permissions.require(actor, "training.certificate.manage", certificate)
    actor = signed_in(actor)
    if certificate.show_on_profile == show:
        return certificate
    certificate.show_on_profile = show
    certificate.save(update_fields=["show_on_profile"])
    audit_record(
        actor=actor,
        action="training.certificate_shown" if show else "training.certificate_hidden",
        target=certificate,
        details={"module_id": certificate.module_id},
    )
    return certificate
