"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

Credit preferences (how the person wants to be acknowledged, a chosen pseudonym) go: globally
with the account, per project with a withdrawal from that project. Without a preference the
scrubbed account, whose profile is not public, is credited not at all.
"""

from __future__ import annotations

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.participants.models import CreditPreference


@register_eraser("participants")
def erase_credit_preferences(scope: ErasureScope) -> int:
    preferences = CreditPreference.objects.filter(user=scope.user)
    if scope.project is not None:
        preferences = preferences.filter(project=scope.project)
    return int(preferences.delete()[0])
