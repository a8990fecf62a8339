"""Demo people: a small but believable Lab."""

from allauth.account.models import EmailAddress
from django.db import transaction

from cslab.accounts.models import User
from cslab.core.demo import DemoLogin
from cslab.core.roles import SiteRole

DEMO_PASSWORD = "citizen-science-2026"  # noqa: S105  (published demo log-in, demo data only)

PEOPLE = [
    ("staff@demo.cslab.test", "Dr. Ingrid Vos", SiteRole.STAFF,
     "Coordinator of the Citizen Science Lab; reviews new projects and curates the knowledge hub.",
     "Lab staff / curator"),
    ("trainer@demo.cslab.test", "Samir El Amrani", SiteRole.TRAINER,
     "Runs the Lab's workshops on participatory research methods.", "trainer"),
    ("researcher@demo.cslab.test", "Prof. Marieke de Boer", SiteRole.VOLUNTEER,
     "Ecologist at the Faculty of Science; studies urban pollinators with volunteers.",
     "researcher (biodiversity)"),
    ("health.researcher@demo.cslab.test", "Dr. Lucas Janssen", SiteRole.VOLUNTEER,
     "Public-health researcher working with patient communities on air quality.",
     "researcher (health)"),
    ("organiser@demo.cslab.test", "Fatima Oukili", SiteRole.VOLUNTEER,
     "Organiser at the Leiden-Noord neighbourhood association; started a heat-stress inquiry.",
     "community organiser"),
    ("ngo@demo.cslab.test", "Pieter Bakker", SiteRole.VOLUNTEER,
     "Volunteer coordinator of a river-monitoring NGO.", "community organiser (NGO)"),
    ("volunteer@demo.cslab.test", "Anna Smit", SiteRole.VOLUNTEER,
     "Retired teacher; counts butterflies in her garden every week.", "volunteer"),
    ("student@demo.cslab.test", "Noah Visser", SiteRole.VOLUNTEER,
     "History student transcribing old ship logs.", "volunteer"),
]  # fmt: skip


def load_demo_people() -> list[DemoLogin]:
    """Create the demo people with verified addresses; return their log-ins."""
    logins = []
    for email, name, role, bio, who in PEOPLE:
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "display_name": name,
                    "site_role": role,
                    "bio": bio,
                    "profile_public": True,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
        logins.append(DemoLogin(email=email, password=DEMO_PASSWORD, who=who))
    return logins
