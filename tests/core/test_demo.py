"""`cslab demo`: a believable Lab, loaded as often as you like without doubling anything."""

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command

from cslab.accounts.demo import DEMO_PASSWORD, PEOPLE
from cslab.accounts.models import User
from cslab.classification.demo import VOLUNTEERS as CLASSIFICATION_VOLUNTEERS
from cslab.core.roles import SiteRole

pytestmark = pytest.mark.django_db


def _load() -> str:
    output = io.StringIO()
    call_command("demo", stdout=output)
    return output.getvalue()


def test_loading_the_demo_twice_creates_nothing_twice() -> None:
    _load()
    counts = (User.objects.count(), User.objects.filter(emailaddress__verified=True).count())
    _load()
    assert (
        User.objects.count(),
        User.objects.filter(emailaddress__verified=True).count(),
    ) == counts
    # The people who log in, and the classification demo's volunteers (who do not).
    assert counts[0] == len(PEOPLE) + CLASSIFICATION_VOLUNTEERS


def test_demo_prints_every_log_in_it_creates() -> None:
    printed = _load()
    for email, *_rest in PEOPLE:
        assert email in printed
    assert DEMO_PASSWORD in printed


def test_demo_prints_a_line_per_loader_with_its_time_and_what_it_made() -> None:
    line = r"^Loading projects…\n  done in \d+\.\d s: (\d+) projects, (\d+) new$"
    first = _load()
    made = re.search(line, first, re.MULTILINE)
    assert made is not None and int(made.group(1)) == int(made.group(2)) > 0
    for label in ("people", "questions", "forms", "observations", "classification"):
        assert re.search(rf"^Loading {label}…\n  done in \d+\.\d s", first, re.MULTILINE)
    # Run again, nothing is made: the lines say so.
    again = re.search(line, _load(), re.MULTILINE)
    assert again is not None and int(again.group(2)) == 0


def test_demo_people_can_log_in_and_cover_the_lab_roles(client: Any) -> None:
    _load()
    roles = set(User.objects.values_list("site_role", flat=True))
    assert roles == {SiteRole.STAFF, SiteRole.TRAINER, SiteRole.VOLUNTEER}
    response = client.post(
        "/accounts/login/", {"login": "staff@demo.cslab.test", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/audit/").status_code == 200


def test_demo_projects_cover_every_state_five_faculties_and_both_initiator_types() -> None:
    from cslab.projects.models import Organisation, Project

    _load()
    _load()
    assert Project.objects.count() >= 8
    assert set(Project.objects.values_list("status", flat=True)) == set(Project.Status.values)
    assert len(set(Project.objects.values_list("faculty", flat=True))) >= 5
    assert {"researcher_led", "community_led"} <= set(
        Project.objects.values_list("initiator_type", flat=True)
    )
    assert Organisation.objects.count() >= 3


def test_demo_projects_walked_their_lifecycle_through_the_services() -> None:
    from cslab.core.models import AuditEvent
    from cslab.projects.models import Project

    _load()
    active = Project.objects.filter(status="active").first()
    assert active is not None and active.approved_at is not None
    assert active.status_changes.filter(to_status="in_review").exists()
    assert AuditEvent.objects.filter(action="project.status_changed").exists()


def test_demo_publishes_three_forms_once() -> None:
    from cslab.forms.models import Form, FormVersion

    _load()
    _load()
    assert Form.objects.count() == 3
    assert FormVersion.objects.count() == 3
    assert {form.project.external_id for form in Form.objects.select_related("project")} == {
        "pollinators",
        "rhine-water",
        "heat-stress",
    }


def test_demo_observations_spread_over_three_projects_once_with_photos_and_obscured_ones() -> None:
    from django.conf import settings

    from cslab.media.models import Media
    from cslab.observations.demo import demo_observation_count
    from cslab.observations.models import Observation

    _load()
    _load()

    assert Observation.objects.count() == demo_observation_count() > 0
    assert settings.DEMO_OBSERVATIONS == 80  # the test settings keep the demo small
    per_project = set(Observation.objects.values_list("project__external_id", flat=True).distinct())
    assert per_project == {"pollinators", "rhine-water", "heat-stress"}
    assert Media.objects.filter(kind="image").exists()
    obscured = Observation.objects.filter(geoprivacy="obscured")
    assert (
        obscured.filter(project__external_id="heat-stress").count()
        == Observation.objects.filter(project__external_id="heat-stress").count()
    )
    assert obscured.filter(geoprivacy_forced=True, answers__plant="borage").exists()
    for observation in obscured:
        assert (observation.public_latitude, observation.public_longitude) != (
            observation.latitude,
            observation.longitude,
        )
    days = {observation.observed_at.date() for observation in Observation.objects.all()}
    assert max(days) - min(days) > timedelta(days=100)


def test_loading_the_demo_again_writes_no_new_audit_events() -> None:
    from cslab.core.models import AuditEvent

    _load()
    count = AuditEvent.objects.count()
    _load()
    assert AuditEvent.objects.count() == count
