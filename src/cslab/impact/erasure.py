"""What erasure does in impact: a person's `Participant` row loses its link to them (the
roll-ups keep counting the anonymised contributions as one participant's), and the outputs,
impact statements and meta-research exports they recorded keep no trace of who did.

A withdrawal from one project moves that project's roll-up rows to a participant of the
pseudonymous account the contributions now belong to, so the figures stay the same and a later
rebuild (which reads the contributions under that account) agrees with them.
"""

from __future__ import annotations

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.impact.models import (
    DailyContribution,
    ImpactStatement,
    MetaResearchExport,
    Output,
    Participant,
)


@register_eraser("impact")
def erase_impact(scope: ErasureScope) -> int:
    if scope.project is not None:
        return _withdraw_from_project(scope)
    changed = Participant.objects.filter(user_id=scope.user.pk).update(user=None)
    changed += Output.objects.filter(created_by_id=scope.user.pk).update(created_by=None)
    changed += ImpactStatement.objects.filter(created_by_id=scope.user.pk).update(created_by=None)
    changed += MetaResearchExport.objects.filter(requested_by_id=scope.user.pk).update(
        requested_by=None
    )
    return changed


def _withdraw_from_project(scope: ErasureScope) -> int:
    participant = Participant.objects.filter(user_id=scope.user.pk).first()
    if participant is None:
        return 0
    rows = DailyContribution.objects.filter(project=scope.project, participant=participant)
    if not rows.exists():
        return 0
    # The pseudonymous account is new: it has no participant row nor roll-up rows yet.
    stand_in, _created = Participant.objects.get_or_create(user=scope.pseudonym_user)
    return rows.update(participant=stand_in)
