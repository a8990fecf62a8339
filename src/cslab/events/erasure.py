"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

Registrations for events still to come are cancelled through the registration service, so the
seat counters stay right and the next person waiting gets the place; past ones stay for the
organisers' attendance figures. The answers a registration holds (dietary and accessibility
needs, organisation) are cleared from every one. Where the person is listed as an organiser or
speaker the list shows the pseudonym; their feedback stays, its comment redacted.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.core.redaction import identity_needles, redact_queryset
from cslab.events.models import EventFeedback, EventPerson, Registration
from cslab.events.services.registrations import registration_cancel

Status = Registration.Status


@register_eraser("events")
def erase_event_places(scope: ErasureScope) -> int:
    if scope.project is not None:
        return 0
    user = scope.user
    needles = identity_needles(email=user.email, display_name=user.display_name)
    changed = 0
    coming = Registration.objects.filter(
        user=user, status__in=[Status.REGISTERED, Status.WAITLISTED]
    ).filter(Q(event__starts_at__isnull=True) | Q(event__starts_at__gt=timezone.now()))
    for registration in coming:
        registration_cancel(actor=user, registration=registration)
        changed += 1
    changed += Registration.objects.filter(user=user).update(
        dietary_needs="", accessibility_needs="", organisation=""
    )
    changed += EventPerson.objects.filter(user=user).update(
        name=scope.pseudonym_user.display_name, affiliation=""
    )
    changed += redact_queryset(EventPerson.objects.all(), ["name", "affiliation"], needles)
    changed += redact_queryset(EventFeedback.objects.filter(user=user), ["comment"], needles)
    return changed
