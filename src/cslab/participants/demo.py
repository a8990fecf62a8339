"""Demo credit preferences: how some demo people want to be acknowledged.

- `student@` is credited by a pseudonym everywhere ("Logbook Owl");
- `organiser@` is credited nowhere, except by name in her own neighbourhood's heat-stress
  project (a per-project choice wins over the global one);
- everyone else has no preference: credited by display name when their profile is public (the
  demo people's are), else not at all (the classification volunteers').

Stored through the ORM (the credit services are written at the same time), keyed by the
constraints' natural keys (person, and project or none): a second load adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from cslab.accounts.models import User
from cslab.core.demo import DemoLogin
from cslab.participants.models import CreditPreference
from cslab.participants.vocabulary import CreditChoice
from cslab.projects.models import Project

DEMO_ORIGIN = "cslab-demo"


@dataclass(frozen=True)
class DemoCredit:
    email: str
    choice: str
    pseudonym: str = ""
    # The project's demo key; empty: the person's global choice.
    project: str = ""


CREDITS: tuple[DemoCredit, ...] = (
    DemoCredit("student@demo.cslab.test", CreditChoice.PSEUDONYM, pseudonym="Logbook Owl"),
    DemoCredit("organiser@demo.cslab.test", CreditChoice.NONE),
    DemoCredit("organiser@demo.cslab.test", CreditChoice.NAME, project="heat-stress"),
)


def load_demo_credit() -> list[DemoLogin]:
    """Store the demo credit preferences that are missing."""
    people = {
        user.email: user
        for user in User.objects.filter(email__in=[credit.email for credit in CREDITS])
    }
    projects = {
        project.external_id: project
        for project in Project.objects.filter(
            origin=DEMO_ORIGIN, external_id__in=[credit.project for credit in CREDITS]
        )
    }
    stored = set(
        CreditPreference.objects.filter(user__in=people.values()).values_list(
            "user__email", "project__external_id"
        )
    )
    with transaction.atomic():
        for credit in CREDITS:
            person = people.get(credit.email)
            project = projects.get(credit.project) if credit.project else None
            if person is None or (credit.project and project is None):
                continue
            if (credit.email, credit.project or None) in stored:
                continue
            preference = CreditPreference(
                user=person, project=project, choice=credit.choice, pseudonym=credit.pseudonym
            )
            preference.full_clean(validate_constraints=False)
            preference.save()
    return []
