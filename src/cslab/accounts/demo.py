"""Demo people: a small but believable Lab."""

from cslab.accounts.models import User
from cslab.accounts.services.users import profile_update, user_create
from cslab.core.demo import DemoLogin
from cslab.core.roles import SiteRole

DEMO_PASSWORD = "citizen-science-2026"  # noqa: S105  (published demo log-in, demo data only)  # nosec B105

PEOPLE = [
    (
        "staff@demo.cslab.test",
        "Dr. Ingrid Vos",
        SiteRole.STAFF,
        "Coordinator of the Citizen Science Lab; reviews new projects and curates the knowledge"
        " hub.",
        "Lab staff / curator",
    ),
    (
        "trainer@demo.cslab.test",
        "Samir El Amrani",
        SiteRole.TRAINER,
        "Runs the Lab's workshops on participatory research methods.",
        "trainer",
    ),
    (
        "researcher@demo.cslab.test",
        "Prof. Marieke de Boer",
        SiteRole.VOLUNTEER,
        "Ecologist at the Faculty of Science; studies urban pollinators with volunteers.",
        "researcher (biodiversity)",
    ),
    (
        "health.researcher@demo.cslab.test",
        "Dr. Lucas Janssen",
        SiteRole.VOLUNTEER,
        "Public-health researcher working with patient communities on air quality.",
        "researcher (health)",
    ),
    (
        "organiser@demo.cslab.test",
        "Fatima Oukili",
        SiteRole.VOLUNTEER,
        "Organiser at the Leiden-Noord neighbourhood association; started a heat-stress inquiry.",
        "community organiser",
    ),
    (
        "ngo@demo.cslab.test",
        "Pieter Bakker",
        SiteRole.VOLUNTEER,
        "Volunteer coordinator of a river-monitoring NGO.",
        "community organiser (NGO)",
    ),
    (
        "volunteer@demo.cslab.test",
        "Anna Smit",
        SiteRole.VOLUNTEER,
        "Retired teacher; counts butterflies in her garden every week.",
        "volunteer",
    ),
    (
        "student@demo.cslab.test",
        "Noah Visser",
        SiteRole.VOLUNTEER,
        "History student transcribing old ship logs.",
        "volunteer",
    ),
]


def load_demo_people() -> list[DemoLogin]:
    """Create the missing demo people through the services, so the audit log shows them.

    Return every demo log-in.
    """
    emails = [row[0] for row in PEOPLE]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    logins = []
    for email, name, role, bio, who in PEOPLE:
        if email not in existing:
            person = user_create(
                actor=None,
                email=email,
                password=DEMO_PASSWORD,
                site_role=role,
                display_name=name,
                bio=bio,
            )
            profile_update(actor=person, user=person, profile_public=True)
        logins.append(DemoLogin(email=email, password=DEMO_PASSWORD, who=who))
    return logins
