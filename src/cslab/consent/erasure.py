"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

Consent records are the ethics board's evidence that contributions were given with consent:
they stay, pointing at the scrubbed account (the pseudonym), with the text that was shown. The
guardian's name of a minor is personal data of another person and is cleared. On a withdrawal
from one project the records stay with the person: the withdrawal itself is on them.
"""

from __future__ import annotations

from cslab.consent.models import ConsentRecord
from cslab.core.personal_data import ErasureScope, register_eraser


@register_eraser("consent")
def erase_consent(scope: ErasureScope) -> int:
    if scope.project is not None:
        return 0
    return int(
        ConsentRecord.objects.filter(participant=scope.user)
        .exclude(guardian_name="")
        .update(guardian_name="")
    )
