"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

Certificates are revoked and no longer carry the name: the public verification page of a code
then says it was revoked and shows the pseudonym, never the person. Lesson completions and quiz
attempts (progress, counted in the module's figures) stay with the scrubbed account.
"""

from __future__ import annotations

from django.utils import timezone

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.core.redaction import identity_needles, redact_queryset
from cslab.training.models import Certificate, QuizAttempt


@register_eraser("training")
def erase_training(scope: ErasureScope) -> int:
    if scope.project is not None:
        return 0
    user = scope.user
    needles = identity_needles(email=user.email, display_name=user.display_name)
    certificates = Certificate.objects.filter(user=user)
    changed = certificates.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    changed += certificates.update(
        holder_name=scope.pseudonym_user.display_name, show_on_profile=False
    )
    changed += redact_queryset(QuizAttempt.objects.filter(user=user), ["answers"], needles)
    return changed
