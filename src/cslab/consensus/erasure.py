"""What this area holds about a person: the skills the consensus estimated for them (an
eraser, `core.personal_data.register_eraser`). They follow the person's classifications: deleted
with them, or moved to the pseudonym with them."""

from __future__ import annotations

from cslab.consensus.models import WorkerSkill
from cslab.core.personal_data import ErasureScope, register_eraser


@register_eraser("consensus")
def erase_skills(scope: ErasureScope) -> int:
    skills = WorkerSkill.objects.filter(volunteer=scope.user)
    if scope.project is not None:
        skills = skills.filter(workflow__project=scope.project)
    if scope.delete_contributions:
        return skills.delete()[0]
    if scope.pseudonym_user.pk != scope.user.pk:
        return skills.update(volunteer=scope.pseudonym_user)
    return 0
