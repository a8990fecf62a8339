"""The participants area's part of a person's data export: how they want to be credited."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.participants.models import CreditPreference


@register_section("credit_preferences", gettext_noop("How you are credited"))
def _credit_preferences(user: User) -> Iterator[dict[str, Any]]:
    preferences = (
        CreditPreference.objects.filter(user=user)
        .select_related("project")
        .order_by("project_id", "id")
    )
    for preference in preferences.iterator(chunk_size=500):
        yield {
            "project": preference.project.slug if preference.project else None,
            "applies_to": "one project" if preference.project else "everywhere (your default)",
            "choice": preference.choice,
            "pseudonym": preference.pseudonym,
            "updated_at": preference.updated_at.isoformat(),
        }
