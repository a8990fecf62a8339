"""Geoprivacy wired into observations: chosen, defaulted, forced, stored once, shown per viewer."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cslab.core.errors import InvalidInputError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.forms.answers import Location
from cslab.forms.models import FormVersion
from cslab.observations import geoprivacy
from cslab.observations.filters import ObservationFilters
from cslab.observations.models import CollectionSettings, Observation
from cslab.observations.selectors import (
    can_see_true_location,
    observation_history,
    observation_list_visible,
    observation_public_view,
)
from cslab.observations.services.collection_settings import (
    collection_settings_update,
    sensitive_category_remove,
    sensitive_category_set,
)
from cslab.observations.services.observations import (
    observation_geoprivacy_change,
    observation_submit,
)
from cslab.projects.models import Project
from tests.collection.test_observations import ANSWERS, publish
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

TRUE_LATITUDE, TRUE_LONGITUDE = 52.0907, 5.1214
WHEN = datetime(2026, 5, 1, 8, 17, 43, tzinfo=UTC)


@pytest.fixture
def project(db: Any) -> Project:
    """An approved, active, public project."""
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish(project)


@pytest.fixture
def owner(project: Project) -> Any:
    return project.initiator


def member(project: Project, role: str) -> Any:
    person = UserFactory()
    MembershipFactory(project=project, user=person, role=role)
    return person


def submit(actor: Any, version: FormVersion, instance_id: str = "uuid:1", **kwargs: Any) -> Any:
    kwargs.setdefault("answers", ANSWERS)
    kwargs.setdefault("observed_at", WHEN)
    observation, _created = observation_submit(
        actor=actor, form_version=version, instance_id=instance_id, **kwargs
    )
    return observation


def test_an_open_observation_publishes_its_true_point(owner: Any, version: FormVersion) -> None:
    observation = submit(owner, version, geoprivacy="open")

    assert observation.geoprivacy == "open" and not observation.geoprivacy_forced
    assert (observation.public_latitude, observation.public_longitude) == (
        TRUE_LATITUDE,
        TRUE_LONGITUDE,
    )
    assert observation.public_h3_res9 == observation.h3_res9


def test_an_obscured_observation_publishes_a_point_in_the_same_fixed_cell_never_the_true_one(
    owner: Any, version: FormVersion
) -> None:
    observation = submit(owner, version, geoprivacy="obscured")

    cell = geoprivacy.grid_cell(TRUE_LATITUDE, TRUE_LONGITUDE)
    assert cell.contains(observation.public_latitude, observation.public_longitude)
    assert (observation.public_latitude, observation.public_longitude) != (
        TRUE_LATITUDE,
        TRUE_LONGITUDE,
    )
    public_cells = geoprivacy.location_indexes(
        observation.public_latitude, observation.public_longitude
    )
    assert observation.public_h3_res9 == public_cells[9] != observation.h3_res9


def test_a_private_observation_publishes_no_location(owner: Any, version: FormVersion) -> None:
    observation = submit(owner, version, geoprivacy="private")

    assert observation.public_latitude is None and observation.public_longitude is None
    assert observation.public_h3_res3 == observation.public_h3_res9 == ""
    assert observation.latitude == TRUE_LATITUDE  # the truth is kept for those who may see it


def test_without_a_choice_the_project_default_applies_and_open_without_settings(
    owner: Any, version: FormVersion, project: Project
) -> None:
    assert submit(owner, version, "uuid:a").geoprivacy == "open"

    collection_settings_update(actor=owner, project=project, default_geoprivacy="private")

    assert submit(owner, version, "uuid:b").geoprivacy == "private"
    assert submit(owner, version, "uuid:c", geoprivacy="open").geoprivacy == "open"


def test_an_unknown_geoprivacy_is_refused(owner: Any, version: FormVersion) -> None:
    with pytest.raises(InvalidInputError) as raised:
        submit(owner, version, geoprivacy="fuzzy")
    assert raised.value.code == "invalid_geoprivacy"
    assert not Observation.objects.exists()


def test_a_sensitive_answer_forces_obscuring_but_private_stays_private(
    owner: Any, version: FormVersion, project: Project
) -> None:
    sensitive_category_set(actor=owner, project=project, question="species", values=["robin"])

    forced = submit(owner, version, "uuid:a", geoprivacy="open")
    private = submit(owner, version, "uuid:b", geoprivacy="private")
    other = submit(owner, version, "uuid:c", answers={**ANSWERS, "species": "wren"})

    assert forced.geoprivacy == "open" and forced.geoprivacy_forced
    assert geoprivacy.grid_cell(TRUE_LATITUDE, TRUE_LONGITUDE).contains(
        forced.public_latitude, forced.public_longitude
    )
    assert forced.public_latitude != TRUE_LATITUDE
    assert private.geoprivacy == "private" and private.public_latitude is None
    assert not other.geoprivacy_forced and other.public_latitude == TRUE_LATITUDE


def test_a_category_without_values_makes_any_answer_of_its_question_sensitive(
    owner: Any, version: FormVersion, project: Project
) -> None:
    sensitive_category_set(actor=owner, project=project, question="site", values=[])

    assert submit(owner, version).geoprivacy_forced


def test_a_select_multiple_answer_is_sensitive_when_any_chosen_value_is(
    owner: Any, version: FormVersion, project: Project
) -> None:
    sensitive_category_set(actor=owner, project=project, question="behaviour", values=["singing"])

    assert submit(owner, version).geoprivacy_forced  # "feeding singing"


def test_adding_a_category_obscures_stored_observations_and_removing_it_reopens_them(
    owner: Any, version: FormVersion, project: Project
) -> None:
    observation = submit(owner, version)
    assert observation.public_latitude == TRUE_LATITUDE

    sensitive_category_set(actor=owner, project=project, question="species", values=["robin"])
    observation.refresh_from_db()
    assert observation.geoprivacy_forced and observation.public_latitude != TRUE_LATITUDE
    obscured_point = (observation.public_latitude, observation.public_longitude)

    sensitive_category_remove(actor=owner, project=project, question="species")
    observation.refresh_from_db()
    assert not observation.geoprivacy_forced and observation.public_latitude == TRUE_LATITUDE

    sensitive_category_set(actor=owner, project=project, question="species", values=["robin"])
    observation.refresh_from_db()
    # Drawn from a secret per-observation seed: the same point again, nothing new to average.
    assert (observation.public_latitude, observation.public_longitude) == obscured_point
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"collection.sensitive_category_set", "collection.sensitive_category_removed"} <= actions


def test_toggling_geoprivacy_many_times_never_publishes_the_true_point_when_obscured(
    owner: Any, version: FormVersion
) -> None:
    """iNaturalist #2609: obscured → private → obscured made the public point the true one."""
    observation = submit(owner, version, geoprivacy="obscured")
    first = (observation.public_latitude, observation.public_longitude)
    cell = geoprivacy.grid_cell(TRUE_LATITUDE, TRUE_LONGITUDE)
    for level in ["private", "obscured", "open", "obscured", "private", "obscured"] * 5:
        observation_geoprivacy_change(actor=owner, observation=observation, geoprivacy=level)
        observation.refresh_from_db()
        if level == "obscured":
            point = (observation.public_latitude, observation.public_longitude)
            assert point == first != (TRUE_LATITUDE, TRUE_LONGITUDE)
            assert cell.contains(*point)
        elif level == "private":
            assert observation.public_latitude is None


def test_only_the_observer_or_a_moderator_changes_the_geoprivacy(
    owner: Any, version: FormVersion, project: Project
) -> None:
    observer = member(project, ProjectRole.MEMBER)
    observation = submit(observer, version)

    with pytest.raises(PermissionDeniedError):
        observation_geoprivacy_change(
            actor=member(project, ProjectRole.VIEWER), observation=observation, geoprivacy="open"
        )
    observation_geoprivacy_change(actor=observer, observation=observation, geoprivacy="private")
    assert Observation.objects.get().geoprivacy == "private"


def test_an_edit_that_obscures_makes_earlier_versions_obscured_too(
    owner: Any, version: FormVersion
) -> None:
    first = submit(owner, version, "uuid:1", geoprivacy="open")
    submit(owner, version, "uuid:2", geoprivacy="obscured", deprecated_id="uuid:1")

    first.refresh_from_db()
    assert first.geoprivacy == "obscured" and first.public_latitude != TRUE_LATITUDE
    history = observation_history(user=UserFactory(), observation=first)
    assert [item.instance_id for item in history] == ["uuid:1", "uuid:2"]
    points = {(item.public_latitude, item.public_longitude) for item in history}
    assert len(points) == 1  # every version at the same public point


def test_who_sees_the_true_location(owner: Any, version: FormVersion, project: Project) -> None:
    observer = member(project, ProjectRole.MEMBER)
    observation = submit(observer, version, geoprivacy="obscured")
    staff = UserFactory(site_role="staff")

    assert can_see_true_location(observer, observation)
    assert can_see_true_location(owner, observation)
    assert can_see_true_location(member(project, ProjectRole.RESEARCHER), observation)
    assert can_see_true_location(staff, observation)
    for role in (ProjectRole.MODERATOR, ProjectRole.MEMBER, ProjectRole.VIEWER):
        assert not can_see_true_location(member(project, role), observation)
    assert not can_see_true_location(UserFactory(), observation)


def test_the_public_view_of_an_obscured_observation_hides_point_time_and_location_answers(
    owner: Any, version: FormVersion
) -> None:
    answers = {**ANSWERS, "site": "Pond at 52.09070, 5.12140 by the oak", "temperature": 5.1214}
    observation = submit(owner, version, answers=answers, geoprivacy="obscured")
    stranger = UserFactory()

    view = observation_public_view(stranger, observation)
    truth = observation_public_view(owner, observation)

    assert (view["latitude"], view["longitude"]) == (
        observation.public_latitude,
        observation.public_longitude,
    )
    assert view["location_obscured"] and not view["true_location"]
    assert view["accuracy"] > 10_000  # the cell's half-diagonal, not the GPS accuracy
    assert (
        view["observed_at"] == WHEN.date() and view["created_at"] == observation.created_at.date()
    )
    assert "location" not in view["answers"]
    assert "site" not in view["answers"]  # free text holding the coordinates is dropped
    assert "temperature" not in view["answers"]  # a number near the true longitude too
    assert view["answers"]["count"] == 3 and view["answers"]["species"] == "robin"
    assert view["observer"] is None and view["warnings"] == []
    assert (truth["latitude"], truth["longitude"]) == (TRUE_LATITUDE, TRUE_LONGITUDE)
    assert truth["observed_at"] == WHEN and truth["answers"] == answers and truth["true_location"]


def test_the_public_view_of_a_private_observation_has_no_location(
    owner: Any, version: FormVersion
) -> None:
    observation = submit(owner, version, geoprivacy="private")

    view = observation_public_view(UserFactory(), observation)

    assert view["latitude"] is None and view["longitude"] is None and view["accuracy"] is None
    assert view["location_cell"] is None and not view["location_obscured"]
    assert view["observed_at"] == WHEN.date()


def test_a_question_sensitive_as_a_whole_is_hidden_from_the_public(
    owner: Any, version: FormVersion, project: Project
) -> None:
    sensitive_category_set(actor=owner, project=project, question="site", values=[])
    observation = submit(owner, version)

    assert "site" not in observation_public_view(UserFactory(), observation)["answers"]
    assert observation_public_view(owner, observation)["answers"]["site"] == "Pond"


def test_the_public_sees_pending_accepted_and_flagged_but_not_rejected_observations(
    owner: Any, version: FormVersion, project: Project
) -> None:
    observer = UserFactory()
    MembershipFactory(project=project, user=observer, role=ProjectRole.MEMBER)
    for number, status in enumerate(["pending", "accepted", "flagged", "rejected"]):
        observation = submit(observer, version, f"uuid:{number}")
        Observation.objects.filter(pk=observation.pk).update(status=status)

    public = observation_list_visible(user=UserFactory(), project=project)
    team = observation_list_visible(user=member(project, ProjectRole.VIEWER), project=project)
    own = observation_list_visible(user=observer, project=project)

    assert sorted(item.status for item in public) == ["accepted", "flagged", "pending"]
    assert len(team) == 4 and len(own) == 4


def test_the_box_filter_uses_public_points_for_the_public_and_true_ones_for_leads(
    owner: Any, version: FormVersion, project: Project
) -> None:
    observation = submit(owner, version, geoprivacy="obscured")
    around_truth = (
        TRUE_LONGITUDE - 0.001,
        TRUE_LATITUDE - 0.001,
        TRUE_LONGITUDE + 0.001,
        TRUE_LATITUDE + 0.001,
    )
    public_lat, public_lon = observation.public_latitude, observation.public_longitude
    around_public = (public_lon - 0.001, public_lat - 0.001, public_lon + 0.001, public_lat + 0.001)
    stranger = UserFactory()

    def found(user: Any, bbox: tuple[float, float, float, float]) -> int:
        filters = ObservationFilters(bbox=bbox)
        return observation_list_visible(user=user, project=project, filters=filters).count()

    assert found(stranger, around_truth) == 0
    assert found(stranger, around_public) == 1
    assert found(owner, around_truth) == 1
    assert found(owner, around_public) == 0


def test_time_filters_see_only_whole_days_of_obscured_observations(
    owner: Any, version: FormVersion, project: Project
) -> None:
    submit(owner, version, geoprivacy="obscured")
    stranger = UserFactory()
    narrow = ObservationFilters(
        observed_from=WHEN - timedelta(minutes=1), observed_to=WHEN + timedelta(minutes=1)
    )
    later_the_same_day = ObservationFilters(
        observed_from=WHEN + timedelta(hours=1), observed_to=WHEN + timedelta(hours=2)
    )

    def found(user: Any, filters: ObservationFilters) -> int:
        return observation_list_visible(user=user, project=project, filters=filters).count()

    # The public cannot narrow the time below a day: a window later the same day still finds it.
    assert found(stranger, narrow) == found(stranger, later_the_same_day) == 1
    assert found(owner, narrow) == 1 and found(owner, later_the_same_day) == 0


def test_hidden_questions_cannot_be_filtered_on_by_the_public(
    owner: Any, version: FormVersion, project: Project
) -> None:
    submit(owner, version, geoprivacy="obscured")
    filters = ObservationFilters(answers={"location": "52.0907 5.1214 3.0 8.5"})

    with pytest.raises(InvalidInputError) as raised:
        list(observation_list_visible(user=UserFactory(), project=project, filters=filters))
    assert "field.location" in raised.value.details
    assert observation_list_visible(user=owner, project=project, filters=filters).count() == 1


def test_answer_filters_match_exactly_and_select_multiple_by_one_value(
    owner: Any, version: FormVersion, project: Project
) -> None:
    submit(owner, version, "uuid:1")
    submit(owner, version, "uuid:2", answers={**ANSWERS, "count": 12, "behaviour": "feeding"})

    def found(**answers: str) -> list[str]:
        filters = ObservationFilters(answers=answers)
        queryset = observation_list_visible(user=UserFactory(), project=project, filters=filters)
        return sorted(item.instance_id for item in queryset)

    assert found(count="3") == ["uuid:1"]
    assert found(count="12") == ["uuid:2"]
    assert found(behaviour="singing") == ["uuid:1"]
    assert found(behaviour="feeding") == ["uuid:1", "uuid:2"]
    assert found(site="Pon") == []


def test_the_list_shows_only_the_current_version_of_an_edited_observation(
    owner: Any, version: FormVersion, project: Project
) -> None:
    submit(owner, version, "uuid:1")
    submit(owner, version, "uuid:2", deprecated_id="uuid:1")

    listed = observation_list_visible(user=UserFactory(), project=project)

    assert [item.instance_id for item in listed] == ["uuid:2"]


def test_accept_without_review_starts_observations_accepted(
    owner: Any, version: FormVersion, project: Project
) -> None:
    assert submit(owner, version, "uuid:1").status == "pending"
    collection_settings_update(actor=owner, project=project, accept_without_review=True)

    assert submit(owner, version, "uuid:2").status == "accepted"
    assert CollectionSettings.objects.get(project=project).accept_without_review
    assert AuditEvent.objects.filter(action="collection.settings_changed").exists()


def test_only_leads_and_staff_change_collection_settings(
    version: FormVersion, project: Project
) -> None:
    for role in (ProjectRole.MODERATOR, ProjectRole.MEMBER):
        with pytest.raises(PermissionDeniedError):
            collection_settings_update(
                actor=member(project, role), project=project, default_geoprivacy="private"
            )
        with pytest.raises(PermissionDeniedError):
            sensitive_category_set(
                actor=member(project, role), project=project, question="site", values=[]
            )
    collection_settings_update(
        actor=member(project, ProjectRole.RESEARCHER), project=project, default_geoprivacy="private"
    )
    collection_settings_update(
        actor=UserFactory(site_role="staff"), project=project, default_geoprivacy="obscured"
    )
    assert CollectionSettings.objects.get(project=project).default_geoprivacy == "obscured"


def test_an_explicit_location_is_obscured_like_a_geopoint_answer(
    owner: Any, version: FormVersion
) -> None:
    observation = submit(
        owner,
        version,
        geoprivacy="obscured",
        location=Location(latitude=-33.865143, longitude=151.2099, accuracy=3.0),
    )

    assert geoprivacy.grid_cell(-33.865143, 151.2099).contains(
        observation.public_latitude, observation.public_longitude
    )
    view = observation_public_view(UserFactory(), observation)
    assert view["latitude"] == observation.public_latitude
