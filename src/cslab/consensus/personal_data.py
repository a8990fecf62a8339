"""What the consensus holds about a person, for their personal-data export: the skill its
methods estimate for them (a profile of them, GDPR Art. 15)."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.consensus.models import WorkerSkill
from cslab.core.personal_data import register_section


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@register_section("skill_estimates", gettext_noop("How the consensus methods rate your answers"))
def _skill_estimates(user: User) -> Iterator[dict[str, Any]]:
    """The skill the consensus methods estimate for the person: a profile of them (Art. 15)."""
    estimates = (
        WorkerSkill.objects.filter(volunteer=user)
        .select_related("workflow__project")
        .order_by("computed_at", "id")
    )
    for skill in estimates.iterator(chunk_size=500):
        yield {
            "project": skill.workflow.project.slug,
            "workflow": skill.workflow.slug,
            "method": skill.method,
            "answers": skill.answers,
            "skill": skill.skill,
            "computed_at": _iso(skill.computed_at),
        }
