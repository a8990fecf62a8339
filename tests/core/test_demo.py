"""`cslab demo`: a believable Lab, loaded as often as you like without doubling anything."""

import io
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F

from cslab.accounts.demo import DEMO_PASSWORD, PEOPLE
from cslab.accounts.models import User
from cslab.classification.demo import VOLUNTEERS as CLASSIFICATION_VOLUNTEERS
from cslab.core.roles import SiteRole
from cslab.events.demo import PARTICIPANTS as EVENT_PARTICIPANTS
from cslab.impact.demo import VOLUNTEERS as IMPACT_VOLUNTEERS

# The impact demo's checks run here, on this module's demo (one pair of loads serves both).
from tests.impact.demo_impact_checks import (  # noqa: F401
    impact_counts,
    test_each_project_has_its_planned_history,
    test_every_chart_of_the_pollinators_dashboard_has_data,
    test_loading_the_demo_twice_adds_no_impact_history_twice,
    test_outputs_are_imported_and_impacts_recorded_for_both_projects,
    test_part_of_the_volunteers_consented_to_meta_research,
    test_participation_is_skewed_as_in_real_projects,
    test_the_garden_phone_counts_as_one_participant,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Load:
    """What one `cslab demo` printed, and what the database held after it."""

    output: str
    people: int
    verified_people: int
    audit_events: int
    # Issue 14's rows as they stood: a second load must leave every one of them as it was.
    governance: dict[str, list[tuple[Any, ...]]]
    # Issue 15's rows by table (tests/impact/demo_impact_checks.py).
    impact: dict[str, int]
    # Issue 16: the ready export files by (scope, is_snapshot, format).
    exports: dict[tuple[str, bool, str], int]
    # Issue 16: the imports by (file, status, rows, valid, invalid).
    imports: list[tuple[str, str, int, int, int]]


@dataclass(frozen=True)
class DemoLoadedTwice:
    first: Load
    second: Load


def _load() -> Load:
    from cslab.core.models import AuditEvent

    output = io.StringIO()
    call_command("demo", stdout=output)
    return Load(
        output=output.getvalue(),
        people=User.objects.count(),
        verified_people=User.objects.filter(emailaddress__verified=True).count(),
        audit_events=AuditEvent.objects.count(),
        governance=_governance_rows(),
        impact=impact_counts(),
        exports=_ready_exports(),
        imports=_imports(),
    )


def _imports() -> list[tuple[str, str, int, int, int]]:
    from cslab.exports.models import DataImport

    return list(
        DataImport.objects.order_by("pk").values_list(
            "original_name", "status", "rows_total", "rows_valid", "rows_invalid"
        )
    )


def _ready_exports() -> dict[tuple[str, bool, str], int]:
    from django.db.models import Count

    from cslab.exports.models import DataExport

    rows = (
        DataExport.objects.filter(status="ready")
        .values_list("scope", "is_snapshot", "format")
        .annotate(count=Count("pk"))
    )
    return {(scope, snapshot, format): count for scope, snapshot, format, count in rows}


def _governance_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of issue 14's demo (consent, credit, outputs, preferences, project settings),
    as plain values in a fixed order."""
    from cslab.consent.models import ConsentRecord, ConsentVersion
    from cslab.impact.models import Output
    from cslab.notifications.models import NotificationPreference
    from cslab.participants.models import CreditPreference
    from cslab.privacy.models import PageViewCount
    from cslab.projects.models import Project

    rows = {
        "versions": ConsentVersion.objects.values_list(
            "id", "project_id", "number", "text_sha256", "published_at", "minimum_age"
        ),
        "records": ConsentRecord.objects.values_list(
            "id", "version_id", "participant_id", "granted_at", "superseded_at", "withdrawn_at"
        ),
        "credit": CreditPreference.objects.values_list(
            "id", "user_id", "project_id", "choice", "pseudonym"
        ),
        "outputs": Output.objects.values_list("id", "kind", "title", "doi", "projects"),
        "notification preferences": NotificationPreference.objects.values_list(
            "id", "user_id", "category", "in_app", "email"
        ),
        "page views": PageViewCount.objects.values_list("path", "day", "views"),
        "projects": Project.objects.values_list(
            "id", "data_licence", "data_embargo_until", "personal_data_retention_days"
        ),
    }
    return {name: sorted(query, key=repr) for name, query in rows.items()}


@pytest.fixture(scope="module")
def demo(module_db: None, django_db_blocker: Any) -> DemoLoadedTwice:
    """`cslab demo` run twice, once for the whole module (each run takes seconds): the tests read
    what each run printed and counted, and the database as the second run left it, each test in
    its own savepoint; the module's transaction is rolled back at its end."""
    with django_db_blocker.unblock():
        first = _load()
        return DemoLoadedTwice(first=first, second=_load())


@pytest.fixture(scope="module")
def loaded_twice(demo: DemoLoadedTwice) -> tuple[dict[str, int], dict[str, int]]:
    """The impact demo's counts after each load, for the checks of
    tests/impact/demo_impact_checks.py (imported above: pytest runs them here)."""
    return demo.first.impact, demo.second.impact


def test_loading_the_demo_twice_creates_nothing_twice(demo: DemoLoadedTwice) -> None:
    counts = (demo.first.people, demo.first.verified_people)
    assert (demo.second.people, demo.second.verified_people) == counts
    # The people who log in, the classification demo's volunteers, the events' participants and
    # the impact history's volunteers (who do not).
    assert counts[0] == (
        len(PEOPLE) + CLASSIFICATION_VOLUNTEERS + len(EVENT_PARTICIPANTS) + IMPACT_VOLUNTEERS
    )


def test_demo_prints_every_log_in_it_creates(demo: DemoLoadedTwice) -> None:
    printed = demo.first.output
    for email, *_rest in PEOPLE:
        assert email in printed
    assert DEMO_PASSWORD in printed


def test_demo_prints_a_line_per_loader_with_its_time_and_what_it_made(
    demo: DemoLoadedTwice,
) -> None:
    line = r"^Loading projects…\n  done in \d+\.\d s: (\d+) projects, (\d+) new$"
    first = demo.first.output
    made = re.search(line, first, re.MULTILINE)
    assert made is not None and int(made.group(1)) == int(made.group(2)) > 0
    for label in ("people", "questions", "forms", "observations", "classification"):
        assert re.search(rf"^Loading {label}…\n  done in \d+\.\d s", first, re.MULTILINE)
    # Run again, nothing is made: the lines say so.
    again = re.search(line, demo.second.output, re.MULTILINE)
    assert again is not None and int(again.group(2)) == 0


def test_demo_people_can_log_in_and_cover_the_lab_roles(demo: DemoLoadedTwice, client: Any) -> None:
    roles = set(User.objects.values_list("site_role", flat=True))
    assert roles == {SiteRole.STAFF, SiteRole.TRAINER, SiteRole.VOLUNTEER}
    response = client.post(
        "/accounts/login/", {"login": "staff@demo.cslab.test", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/audit/").status_code == 200


def test_demo_projects_cover_every_state_five_faculties_and_both_initiator_types(
    demo: DemoLoadedTwice,
) -> None:
    from cslab.projects.models import Organisation, Project

    assert Project.objects.count() >= 8
    assert set(Project.objects.values_list("status", flat=True)) == set(Project.Status.values)
    assert len(set(Project.objects.values_list("faculty", flat=True))) >= 5
    assert {"researcher_led", "community_led"} <= set(
        Project.objects.values_list("initiator_type", flat=True)
    )
    assert Organisation.objects.count() >= 3


def test_demo_projects_walked_their_lifecycle_through_the_services(demo: DemoLoadedTwice) -> None:
    from cslab.core.models import AuditEvent
    from cslab.projects.models import Project

    active = Project.objects.filter(status="active").first()
    assert active is not None and active.approved_at is not None
    assert active.status_changes.filter(to_status="in_review").exists()
    assert AuditEvent.objects.filter(action="project.status_changed").exists()


def test_demo_publishes_three_forms_once(demo: DemoLoadedTwice) -> None:
    from cslab.forms.models import Form, FormVersion

    assert Form.objects.count() == 3
    assert FormVersion.objects.count() == 3
    assert {form.project.external_id for form in Form.objects.select_related("project")} == {
        "pollinators",
        "rhine-water",
        "heat-stress",
    }


def test_demo_observations_spread_over_three_projects_once_with_photos_and_obscured_ones(
    demo: DemoLoadedTwice,
) -> None:
    from django.conf import settings

    from cslab.impact.demo import history_observation_count
    from cslab.media.models import Media
    from cslab.observations.demo import demo_observation_count
    from cslab.observations.models import Observation

    # The observation demo's, and the impact history's generated in bulk.
    assert Observation.objects.count() == demo_observation_count() + history_observation_count()
    assert demo_observation_count() > 0
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


def test_loading_the_demo_again_writes_no_new_audit_events(demo: DemoLoadedTwice) -> None:
    assert demo.second.audit_events == demo.first.audit_events


def test_loading_the_demo_again_leaves_its_consent_credit_outputs_and_settings_as_they_were(
    demo: DemoLoadedTwice,
) -> None:
    assert demo.second.governance == demo.first.governance
    for name, rows in demo.first.governance.items():
        assert rows, f"the demo made no {name}"
    assert re.search(
        r"^Loading consent…\n  done in \d+\.\d s: (\d+) consent records, 0 new$",
        demo.second.output,
        re.MULTILINE,
    )


def test_demo_consent_records_keep_the_fingerprint_of_the_exact_text_shown(
    demo: DemoLoadedTwice,
) -> None:
    import hashlib

    from cslab.consent.models import ConsentRecord, ConsentVersion
    from cslab.consent.services.versions import version_fingerprint

    for version in ConsentVersion.objects.all():
        assert version.published_at is not None
        assert version.text_sha256 == version_fingerprint(version)
        assert version.text_nl and version.ethics_approval_reference
        assert version.data_licence == version.project.data_licence
    records = ConsentRecord.objects.select_related("version")
    assert records.count() > 0
    for record in records:
        assert record.text_sha256 == hashlib.sha256(record.text_shown.encode()).hexdigest()
        shown = record.version.text_nl if record.language == "nl" else record.version.text_en
        assert record.text_shown == shown
        assert record.granted_at >= record.version.published_at
    assert {"en", "nl"} <= set(records.values_list("language", flat=True))
    # One current record per person and project (the database's rule, checked on the rows).
    current = records.filter(withdrawn_at__isnull=True, superseded_at__isnull=True)
    pairs = list(current.values_list("project_id", "participant_id"))
    assert len(pairs) == len(set(pairs))


def test_demo_volunteer_consented_to_an_older_version_and_must_re_consent(
    demo: DemoLoadedTwice,
) -> None:
    from cslab.consent.selectors import consent_record_current, consent_version_in_force
    from cslab.projects.models import Project

    pollinators = Project.objects.get(origin="cslab-demo", external_id="pollinators")
    volunteer = User.objects.get(email="volunteer@demo.cslab.test")
    in_force = consent_version_in_force(project=pollinators)
    record = consent_record_current(project=pollinators, participant=volunteer)
    assert in_force is not None and in_force.number == 2
    assert record is not None and record.version.number == 1
    # Everyone else who observed there consented again.
    student = User.objects.get(email="student@demo.cslab.test")
    again = consent_record_current(project=pollinators, participant=student)
    assert again is not None and again.version == in_force


def test_demo_consent_shows_a_withdrawal_a_minor_with_a_guardian_and_optional_consents(
    demo: DemoLoadedTwice,
) -> None:
    from cslab.consent.models import ConsentRecord

    withdrawn = ConsentRecord.objects.get(withdrawn_at__isnull=False)
    assert withdrawn.withdrawal_choice == "anonymise"
    minor = ConsentRecord.objects.select_related("version").get(is_minor=True)
    assert minor.guardian_consent and minor.guardian_name
    assert minor.version.minimum_age is not None
    assert ConsentRecord.objects.filter(meta_research=True).exists()
    assert ConsentRecord.objects.filter(contact=True).exists()
    assert set(ConsentRecord.objects.values_list("channel", flat=True)) >= {"web", "api"}


def test_demo_contributions_carry_the_consent_version_their_contributor_agreed_to(
    demo: DemoLoadedTwice,
) -> None:
    from cslab.classification.models import Classification
    from cslab.observations.models import Observation

    for model in (Observation, Classification):
        assert model.objects.exists()
        assert not model.objects.filter(consent_version__isnull=True).exists()
    mismatched = Observation.objects.exclude(consent_version__project=F("project"))
    assert not mismatched.exists()


def test_demo_credit_outputs_preferences_embargo_and_retention(demo: DemoLoadedTwice) -> None:
    from django.utils import timezone

    from cslab.impact.models import Output
    from cslab.notifications.models import NotificationPreference
    from cslab.participants.models import CreditPreference
    from cslab.projects.models import Project

    choices = {
        (choice, project is None)
        for choice, project in CreditPreference.objects.values_list("choice", "project")
    }
    assert {("pseudonym", True), ("none", True), ("name", False)} <= choices
    kinds = dict(Output.objects.values_list("kind", "doi"))
    # Issue 14's three kinds, and software and a media item imported by the impact demo.
    assert set(kinds) == {"publication", "dataset", "policy_brief", "software", "media_item"}
    assert kinds["publication"].startswith("10.")
    with_contributions = Project.objects.filter(observations__isnull=False).distinct()
    assert not Output.objects.exclude(projects__in=with_contributions).exists()
    assert NotificationPreference.objects.filter(
        user__email="volunteer@demo.cslab.test", email="daily"
    ).exists()
    embargoed = Project.objects.get(data_embargo_until__isnull=False)
    assert embargoed.data_embargo_until > timezone.localdate()
    assert embargoed.observations.exists()
    assert Project.objects.filter(personal_data_retention_days__isnull=False).count() == 1
    assert {"CC0-1.0", "CC-BY-4.0", "CC-BY-NC-4.0"} <= set(
        Project.objects.values_list("data_licence", flat=True)
    )


def test_demo_prepares_public_files_and_snapshots_once(demo: DemoLoadedTwice) -> None:
    """The pollinator project's data page shows ready public files and the dataset page its
    snapshots; a second load refreshes nothing that did not change and doubles nothing."""
    first = demo.first.exports
    assert first[("public", False, "csv")] >= 1
    assert {format for (_scope, snapshot, format) in first if snapshot} >= {
        "csv",
        "geojson",
        "datapackage",
        "dwca",
    }
    assert demo.second.exports == first


def test_demo_shows_a_checked_import_with_its_bad_rows_once(demo: DemoLoadedTwice) -> None:
    """The researcher finds a checked import on the pollinator project's data page: three rows
    ready, two refused (a count written "many", a plant not on the form's list); a second load
    uploads nothing again."""
    assert demo.first.imports == [("garden-walks-2026.csv", "checked", 5, 3, 2)]
    assert demo.second.imports == demo.first.imports


def test_demo_loads_the_planned_observations_and_reports_each_on_its_progress_bar(
    demo: DemoLoadedTwice,
) -> None:
    import io

    from django.test import override_settings

    from cslab.core.progress import progress_stage
    from cslab.observations.demo import demo_observation_count, load_demo_observations

    planned = demo_observation_count()
    made = re.search(
        r"^Loading observations…\n  done in \d+\.\d s: (\d+) observations, (\d+) new$",
        demo.first.output,
        re.MULTILINE,
    )
    assert made is not None and int(made.group(2)) == planned
    assert "\r" not in demo.first.output  # no bar where there is no terminal
    # Run on a terminal, the loader counts every planned observation, stored or new.
    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    with progress_stage(terminal, "observations") as stage:
        load_demo_observations()
        stage.end()
    assert (stage.done, stage.total) == (planned, planned)
    assert f"{planned}/{planned}  done in" in terminal.getvalue()
    # At its full size (`cslab demo` outside the tests) the demo plans 5,000 observations.
    with override_settings(DEMO_OBSERVATIONS=5000):
        assert demo_observation_count() == 5000
