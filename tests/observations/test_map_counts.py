"""The map's counts per cell are kept by every service that changes observations, in the same
transaction, and always equal what counting the rows gives."""

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from cslab.core.errors import NotFoundError
from cslab.core.roles import ProjectRole
from cslab.forms.answers import Location
from cslab.forms.models import FormVersion
from cslab.observations import map_layers
from cslab.observations.map_layers import observation_map_layer
from cslab.observations.models import MapCellCount, Observation
from cslab.observations.services.collection_settings import (
    sensitive_category_remove,
    sensitive_category_set,
)
from cslab.observations.services.moderation import observation_flag, observation_moderate
from cslab.observations.services.observations import (
    Submission,
    observation_erase,
    observation_geoprivacy_change,
    observation_submit,
    observation_submit_batch,
)
from cslab.privacy.services.erasure import project_contributions_withdraw
from cslab.privacy.services.retention import retention_apply
from cslab.projects.models import Project
from tests.collection.test_observation_views import member_of, observe, publish_birds
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

UTRECHT = Location(52.0907, 5.1214, 5.0)
LEIDEN = Location(52.1601, 4.4970, 5.0)
CAPE_TOWN = Location(-33.92, 18.42, 5.0)
EVERYONE = {"pending", "accepted", "flagged"}


def live_counts(project: Project) -> Counter[tuple[str, str, int, str]]:
    """(location, audience, resolution, cell) → number of observations, counted from the rows
    as the map counts them: current versions, not private, with a location of that kind."""
    edited = Observation.objects.filter(deprecates__isnull=False).values("deprecates_id")
    current = (
        Observation.objects.filter(project=project)
        .exclude(pk__in=edited)
        .exclude(geoprivacy=Observation.Geoprivacy.PRIVATE)
    )
    counts: Counter[tuple[str, str, int, str]] = Counter()
    for location, latitude, prefix in (
        ("true", "latitude", "h3_res"),
        ("public", "public_latitude", "public_h3_res"),
    ):
        for audience, statuses in (("everyone", EVERYONE), ("team", {"rejected"})):
            for resolution in (3, 5, 7, 9):
                column = f"{prefix}{resolution}"
                rows = (
                    current.filter(status__in=statuses, **{f"{latitude}__isnull": False})
                    .exclude(**{column: ""})
                    .order_by()
                    .values_list(column)
                    .annotate(number=Count("*"))
                )
                for cell, number in rows:
                    counts[(location, audience, resolution, cell)] = number
    return counts


def kept_counts(project: Project) -> Counter[tuple[str, str, int, str]]:
    counts: Counter[tuple[str, str, int, str]] = Counter()
    for row in MapCellCount.objects.filter(project=project):
        counts[(row.location, row.audience, row.resolution, row.cell)] += row.count
    return +counts  # cells whose slots add up to zero hold nothing


def assert_kept(project: Project) -> None:
    assert kept_counts(project) == live_counts(project)


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish_birds(project)


@pytest.fixture
def observer(project: Project, make_user: Any) -> Any:
    return member_of(project, make_user(), ProjectRole.MEMBER)


def test_every_kind_of_change_keeps_the_counts_equal_to_counting_the_rows(
    project: Project, version: FormVersion, observer: Any, make_user: Any, volunteer: Any
) -> None:
    owner = project.initiator
    first, _ = observe(observer, version, "uuid:1", location=UTRECHT)
    hidden, _ = observe(observer, version, "uuid:2", location=LEIDEN, geoprivacy="obscured")
    observe(observer, version, "uuid:3", location=CAPE_TOWN, geoprivacy="private")
    observe(observer, version, "uuid:4", location=UTRECHT)
    assert kept_counts(project)  # something was counted
    assert_kept(project)

    observation_submit_batch(
        actor=observer,
        form=version.form,
        submissions=[
            Submission("uuid:b1", version.version, {"species": "wren"}, location=LEIDEN),
            Submission(
                "uuid:b2",
                version.version,
                {"species": "robin"},
                location=CAPE_TOWN,
                geoprivacy="obscured",
            ),
        ],
    )
    assert_kept(project)

    # An edit replaces its earlier version on the map, at its own place; a second edit too.
    edit, _ = observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:1-v2",
        deprecated_id="uuid:1",
        answers={"species": "wren"},
        location=LEIDEN,
    )
    assert_kept(project)
    edit_again, _ = observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:1-v3",
        deprecated_id="uuid:1-v2",
        answers={"species": "wren"},
        location=CAPE_TOWN,
        geoprivacy="obscured",
    )
    assert_kept(project)

    for status in ("accepted", "flagged", "rejected", "pending", "rejected", "accepted"):
        observation_moderate(actor=owner, observation=hidden, status=status, reason="Checked.")
        assert_kept(project)
    observation_flag(actor=volunteer, observation=hidden, reason="Looks wrong.")
    assert_kept(project)
    # Moderating a version an edit replaced changes nothing on the map.
    observation_moderate(actor=owner, observation=first, status="rejected", reason="Old.")
    assert_kept(project)

    for level in ("obscured", "private", "open", "obscured"):
        observation_geoprivacy_change(actor=observer, observation=edit_again, geoprivacy=level)
        assert_kept(project)

    sensitive_category_set(actor=owner, project=project, question="species", values=["wren"])
    assert_kept(project)
    sensitive_category_remove(actor=owner, project=project, question="species")
    assert_kept(project)

    # Erasing the newest edit puts the version it replaced back on the map.
    observation_erase(actor=owner, observation=edit_again)
    assert Observation.objects.filter(pk=edit.pk).exists()
    assert_kept(project)

    leaver = member_of(project, make_user(), ProjectRole.MEMBER)
    observe(leaver, version, "uuid:l1", location=UTRECHT, geoprivacy="obscured")
    observe(leaver, version, "uuid:l2", location=LEIDEN)
    deleter = member_of(project, make_user(), ProjectRole.MEMBER)
    observe(deleter, version, "uuid:d1", location=UTRECHT)
    observe(deleter, version, "uuid:d2", location=CAPE_TOWN, geoprivacy="obscured")
    assert_kept(project)
    project_contributions_withdraw(
        actor=leaver, user=leaver, project=project, delete_contributions=False
    )
    assert_kept(project)
    project_contributions_withdraw(
        actor=deleter, user=deleter, project=project, delete_contributions=True
    )
    assert_kept(project)

    # Retention replaces the true point of hidden observations by the public one.
    before = kept_counts(project)
    Project.objects.filter(pk=project.pk).update(personal_data_retention_days=1)
    report = retention_apply(now=timezone.now() + timedelta(days=3))
    assert report.projects[project.slug]["exact_locations"] > 0
    assert kept_counts(project) != before
    assert_kept(project)


def test_rebuilding_gives_the_counts_the_services_kept(
    project: Project, version: FormVersion, observer: Any
) -> None:
    observe(observer, version, "uuid:1", location=UTRECHT)
    observe(observer, version, "uuid:2", location=LEIDEN, geoprivacy="obscured")
    kept = kept_counts(project)
    MapCellCount.objects.filter(project=project).update(count=0)
    assert kept_counts(project) == Counter()

    call_command("map_counts_rebuild", project.slug)
    call_command("map_counts_rebuild", project.slug)  # twice: the same

    assert kept_counts(project) == kept
    assert_kept(project)


def test_a_moderation_shows_on_the_map_at_once(
    project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1", location=UTRECHT)
    assert observation_map_layer(user=volunteer, project=project, zoom=3).total == 1

    observation_moderate(
        actor=project.initiator, observation=observation, status="rejected", reason="Blurred."
    )

    assert observation_map_layer(user=volunteer, project=project, zoom=3).total == 0
    assert observation_map_layer(user=project.initiator, project=project, zoom=3).total == 1
    # The observer still sees their own, whatever its status.
    assert observation_map_layer(user=observer, project=project, zoom=3).total == 1

    observation_moderate(actor=project.initiator, observation=observation, status="accepted")

    assert observation_map_layer(user=volunteer, project=project, zoom=3).total == 1


def test_the_owner_sees_true_cells_and_the_public_the_public_ones(
    project: Project,
    version: FormVersion,
    observer: Any,
    volunteer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(map_layers, "FEW_POINTS", 0)  # hexagons, however few
    observation, _ = observe(observer, version, "uuid:1", location=UTRECHT, geoprivacy="obscured")
    observation.refresh_from_db()
    around = (4.7, 51.7, 5.6, 52.5)  # the public point is within 0.2° of the true one

    owner = project.initiator
    owner_view = observation_map_layer(user=owner, project=project, zoom=12, bbox=around)
    public_view = observation_map_layer(user=volunteer, project=project, zoom=12, bbox=around)

    assert owner_view.resolution == public_view.resolution == 7
    assert owner_view.hexagons == [(observation.h3_res7, 1)]
    assert public_view.hexagons == [(observation.public_h3_res7, 1)]
    assert observation.h3_res7 != observation.public_h3_res7


def test_a_private_project_keeps_its_counts_from_outsiders(volunteer: Any, make_user: Any) -> None:
    hidden = ProjectFactory(status=Project.Status.ACTIVE)
    version = publish_birds(hidden)
    observe(member_of(hidden, make_user(), ProjectRole.MEMBER), version, "uuid:1")
    assert MapCellCount.objects.filter(project=hidden).exists()

    with pytest.raises(NotFoundError):
        observation_map_layer(user=volunteer, project=hidden, zoom=3)


def test_counts_skip_private_and_unlocated_observations(
    project: Project, version: FormVersion, observer: Any
) -> None:
    observe(observer, version, "uuid:private", location=UTRECHT, geoprivacy="private")

    assert not MapCellCount.objects.filter(project=project).exclude(count=0).exists()
    assert not Observation.objects.filter(~Q(geoprivacy="private")).exists()
