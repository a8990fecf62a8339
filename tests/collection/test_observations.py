"""Submitting observations: validation, nothing lost, nothing doubled, tombstones, permissions."""

import csv
import functools
import hashlib
import hmac
import importlib
import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings

import cslab
from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.forms.answers import Location
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from cslab.observations import geoprivacy, tombstones
from cslab.observations.models import ModerationEvent, Observation, Tombstone, TombstoneKey
from cslab.observations.services.observations import (
    Submission,
    content_hash,
    instance_hash,
    observation_erase,
    observation_submit,
    observation_submit_batch,
)
from cslab.openrosa.models import AppUser, AppUserSubmission
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project
from tests.core.test_backup import cslab_ok, site_environment
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory


@functools.cache
def collection_migration_apps() -> Any:
    """The models as `collection`'s migrations see them: those models moved to the forms,
    observations and media apps in issue 10, so the live registry no longer has them there."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state(
        ("collection", "0008_tombstone_key")
    )
    return state.apps


ANSWERS: dict[str, Any] = {
    "site": "Pond",
    "count": 3,
    "species": "robin",
    "behaviour": "feeding singing",
    "seen_on": "2026-05-01",
    "location": "52.0907 5.1214 3.0 8.5",
}


def xlsform_csv(version: str = "1") -> bytes:
    rows = [
        ["survey", "type", "name", "label", "required"],
        ["", "text", "site", "Site", "yes"],
        ["", "integer", "count", "How many?", "yes"],
        ["", "decimal", "temperature", "Temperature", ""],
        ["", "select_one species", "species", "Species", ""],
        ["", "select_multiple behaviour", "behaviour", "Behaviour", ""],
        ["", "date", "seen_on", "Date", ""],
        ["", "geopoint", "location", "Location", ""],
        ["choices", "list_name", "name", "label"],
        ["", "species", "robin", "Robin"],
        ["", "species", "wren", "Wren"],
        ["", "behaviour", "feeding", "Feeding"],
        ["", "behaviour", "singing", "Singing"],
        ["settings", "form_id", "form_title", "version"],
        ["", "birds", "Birds", version],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def publish(project: Project, version: str = "1") -> FormVersion:
    return form_publish_xlsform(
        actor=None, project=project, file_name="birds.csv", content=xlsform_csv(version)
    )


@pytest.fixture
def project(db: Any) -> Project:
    """An approved, active, private project."""
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    return project


@pytest.fixture
def owner(project: Project) -> Any:
    return project.initiator


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish(project)


def submit(actor: Any, version: FormVersion, instance_id: str = "uuid:1", **kwargs: Any) -> Any:
    kwargs.setdefault("answers", ANSWERS)
    return observation_submit(actor=actor, form_version=version, instance_id=instance_id, **kwargs)


@pytest.mark.django_db
def test_a_submission_is_stored_with_its_location_hash_and_h3_indexes(
    owner: Any, version: FormVersion
) -> None:
    observation, created = submit(owner, version)

    observation.refresh_from_db()
    assert created is True
    assert observation.form == version.form and observation.form_version == version
    assert observation.observer == owner and observation.answers == ANSWERS
    assert observation.content_hash == content_hash(ANSWERS)
    assert (observation.latitude, observation.longitude, observation.accuracy) == (
        52.0907,
        5.1214,
        8.5,
    )
    expected = geoprivacy.location_indexes(52.0907, 5.1214)
    assert [observation.h3_res3, observation.h3_res5, observation.h3_res7, observation.h3_res9] == [
        expected[3],
        expected[5],
        expected[7],
        expected[9],
    ]
    assert observation.status == "pending" and observation.geoprivacy == "open"


@pytest.mark.django_db
def test_an_explicit_location_wins_over_the_geopoint_answer(
    owner: Any, version: FormVersion
) -> None:
    observation, _ = submit(owner, version, location=Location(10.5, -20.25, None))
    assert (observation.latitude, observation.longitude, observation.accuracy) == (
        10.5,
        -20.25,
        None,
    )


@pytest.mark.django_db
def test_content_hash_is_canonical_json() -> None:
    assert content_hash({"b": 1, "a": "x"}) == content_hash({"a": "x", "b": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})


@pytest.mark.django_db
def test_an_identical_resubmission_returns_the_stored_row_without_a_second_one(
    owner: Any, version: FormVersion
) -> None:
    first, _ = submit(owner, version)
    again, created = submit(owner, version, answers=dict(reversed(list(ANSWERS.items()))))

    assert created is False and again.pk == first.pk
    assert Observation.objects.count() == 1


@pytest.mark.django_db
def test_different_content_under_a_stored_instance_id_is_a_conflict_and_changes_nothing(
    owner: Any, version: FormVersion
) -> None:
    first, _ = submit(owner, version)

    with pytest.raises(ConflictError) as raised:
        submit(owner, version, answers={**ANSWERS, "count": 4})

    assert raised.value.code == "instance_conflict"
    first.refresh_from_db()
    assert first.answers == ANSWERS and Observation.objects.count() == 1


@pytest.mark.django_db
def test_the_same_answers_to_another_version_under_a_stored_instance_id_are_a_conflict(
    owner: Any, project: Project, version: FormVersion
) -> None:
    submit(owner, version)
    with pytest.raises(ConflictError) as raised:
        submit(owner, publish(project, version="2"))
    assert raised.value.code == "instance_conflict"


@pytest.mark.django_db
def test_an_erased_submission_leaves_a_tombstone_that_refuses_it_for_good(
    owner: Any, version: FormVersion
) -> None:
    observation, _ = submit(owner, version)

    tombstone = observation_erase(actor=owner, observation=observation)

    assert not Observation.objects.exists()
    assert tombstone.instance_hash == instance_hash("uuid:1")
    assert "uuid:1" not in tombstone.instance_hash
    assert AuditEvent.objects.filter(action="observation.erased", actor=owner).count() == 1
    with pytest.raises(ConflictError) as raised:
        submit(owner, version)
    assert raised.value.code == "instance_erased"
    assert not Observation.objects.exists() and Tombstone.objects.count() == 1


@pytest.mark.django_db
def test_only_the_observer_leads_and_staff_erase(
    owner: Any, project: Project, version: FormVersion, staff: Any
) -> None:
    member = UserFactory()
    MembershipFactory(project=project, user=member, role=ProjectRole.MEMBER)
    other = UserFactory()
    MembershipFactory(project=project, user=other, role=ProjectRole.MEMBER)
    observation, _ = submit(member, version)

    with pytest.raises(PermissionDeniedError):
        observation_erase(actor=other, observation=Observation.objects.get(pk=observation.pk))
    with pytest.raises(NotFoundError):
        observation_erase(actor=UserFactory(), observation=observation)
    observation_erase(actor=member, observation=Observation.objects.get(pk=observation.pk))
    second, _ = submit(member, version, instance_id="uuid:2")
    observation_erase(actor=staff, observation=second)
    assert not Observation.objects.exists()


@pytest.mark.django_db
def test_a_deprecated_id_makes_a_new_version_pointing_at_the_old_one(
    owner: Any, version: FormVersion
) -> None:
    original, _ = submit(owner, version)

    edit, created = submit(
        owner,
        version,
        instance_id="uuid:2",
        deprecated_id="uuid:1",
        answers={**ANSWERS, "count": 5},
    )

    assert created is True and edit.pk != original.pk
    assert edit.deprecates == original
    original.refresh_from_db()
    assert original.answers == ANSWERS and Observation.objects.count() == 2


@pytest.mark.django_db
def test_an_edit_of_an_unknown_instance_is_refused(owner: Any, version: FormVersion) -> None:
    with pytest.raises(InvalidInputError) as raised:
        submit(owner, version, instance_id="uuid:2", deprecated_id="uuid:nothing")
    assert raised.value.code == "unknown_deprecated_id"
    assert not Observation.objects.exists()


@pytest.mark.django_db
def test_invalid_answers_are_reported_per_question_and_nothing_is_stored(
    owner: Any, version: FormVersion
) -> None:
    answers = {
        "count": "three",
        "temperature": "warm",
        "species": "eagle",
        "behaviour": "feeding flying",
        "seen_on": "01/05/2026",
        "location": "north of here",
        "colour": "red",
    }
    with pytest.raises(InvalidInputError) as raised:
        submit(owner, version, answers=answers)

    assert raised.value.code == "invalid_answers"
    assert set(raised.value.details) == {
        "site",
        "count",
        "temperature",
        "species",
        "behaviour",
        "seen_on",
        "location",
        "colour",
    }
    assert raised.value.details["site"] == ["This question needs an answer."]
    assert not Observation.objects.exists()


@pytest.mark.django_db
def test_valid_alternative_answer_forms_are_accepted(owner: Any, version: FormVersion) -> None:
    answers = {"site": "x", "count": "12", "temperature": 3.5, "behaviour": ["singing"]}
    observation, created = submit(owner, version, answers=answers)
    assert created is True and observation.latitude is None and observation.h3_res9 == ""


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ProjectRole))
def test_every_team_role_submits_to_a_private_project(
    project: Project, version: FormVersion, role: str
) -> None:
    person = UserFactory()
    MembershipFactory(project=project, user=person, role=role)
    assert submit(person, version)[1] is True


@pytest.mark.django_db
def test_staff_submit_and_outsiders_of_a_private_project_are_told_not_found(
    version: FormVersion, staff: Any, volunteer: Any
) -> None:
    assert submit(staff, version)[1] is True
    with pytest.raises(NotFoundError):
        submit(volunteer, version, instance_id="uuid:2")


@pytest.mark.django_db
def test_anyone_signed_in_submits_to_an_open_public_active_project_but_not_otherwise(
    volunteer: Any,
) -> None:
    project: Project = ProjectFactory(public=True, membership_policy="open")
    version = publish(project)
    assert submit(volunteer, version)[1] is True

    project.membership_policy = Project.MembershipPolicy.APPROVAL
    project.save(update_fields=["membership_policy"])
    version.form.project = project
    with pytest.raises(PermissionDeniedError):
        submit(volunteer, version, instance_id="uuid:2")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_submissions_at_the_same_moment_store_exactly_one_row() -> None:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    owner = project.initiator
    version = publish(project)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            _observation, created = observation_submit(
                actor=owner,
                form_version=FormVersion.objects.select_related("form__project").get(pk=version.pk),
                instance_id="uuid:same",
                answers=ANSWERS,
            )
            outcome = "created" if created else "duplicate"
        except Exception as error:  # any failure is the finding
            outcome = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["created"] + ["duplicate"] * 19
    assert Observation.objects.filter(instance_id="uuid:same").count() == 1


def test_filters_are_read_from_a_query_string() -> None:
    from datetime import date

    from django.http import QueryDict

    from cslab.observations.filters import ObservationFilters, observation_filters_from_query

    query = QueryDict(
        "bbox=4.7,52.0,5.2,52.4&from=2026-05-01&to=2026-05-02T10:00:00%2B02:00"
        "&status=pending,accepted&status=flagged&form=birds&observer=7&mine=1"
        "&field.species=robin&cursor=abc"
    )

    found = observation_filters_from_query(query)

    assert found.bbox == (4.7, 52.0, 5.2, 52.4)
    assert found.observed_from == date(2026, 5, 1)
    assert found.observed_to is not None and found.observed_to.hour == 10
    assert found.status == ["pending", "accepted", "flagged"]
    assert (found.form_id, found.observer_id, found.mine) == ("birds", 7, True)
    assert found.answers == {"species": "robin"}
    assert observation_filters_from_query({}) == ObservationFilters()
    assert observation_filters_from_query({"status": ["accepted"]}).status == ["accepted"]


def test_bad_filters_are_reported_per_parameter() -> None:
    from cslab.observations.filters import observation_filters_from_query

    with pytest.raises(InvalidInputError) as raised:
        observation_filters_from_query(
            {
                "bbox": "5,53,4,52",
                "from": "2026-05-03",
                "to": "2026-05-01",
                "status": "lost",
                "observer": "me",
                "mine": "maybe",
                "field.a__b": "x",
                "field.ok": "y" * 600,
            }
        )

    assert raised.value.code == "invalid_filter"
    assert set(raised.value.details) == {
        "bbox",
        "to",
        "status",
        "observer",
        "mine",
        "field.a__b",
        "field.ok",
    }
    with pytest.raises(InvalidInputError) as naive:
        observation_filters_from_query({"from": "2026-05-01T10:00:00"})
    assert set(naive.value.details) == {"from"}


def test_a_time_range_across_timezones_is_ordered_by_the_instant() -> None:
    from cslab.observations.filters import observation_filters_from_query

    # 10:00 at +02:00 is 08:00 UTC, an hour before 09:00 UTC: a valid range.
    found = observation_filters_from_query(
        {"from": "2026-05-01T10:00:00+02:00", "to": "2026-05-01T09:00:00+00:00"}
    )
    assert found.observed_from is not None and found.observed_to is not None
    with pytest.raises(InvalidInputError) as raised:
        observation_filters_from_query(
            {"from": "2026-05-01T09:00:00+00:00", "to": "2026-05-01T10:00:00+02:00"}
        )
    assert set(raised.value.details) == {"to"}


# --- dateTime questions (issue 9 item 17) -------------------------------------------------------


def moment_form_csv() -> bytes:
    rows = [
        ["survey", "type", "name", "label", "constraint"],
        ["", "dateTime", "seen_at", "When?", ". <= now()"],
        ["", "dateTime", "reminder", "Remind me at", ""],
        ["settings", "form_id", "form_title", "version"],
        ["", "moments", "Moments", "1"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.django_db
def test_a_date_time_answer_before_now_is_accepted_and_a_future_one_gets_a_warning(
    owner: Any, project: Project
) -> None:
    version = form_publish_xlsform(
        actor=None, project=project, file_name="moments.csv", content=moment_form_csv()
    )
    answers = {"seen_at": "2026-01-02T08:30:00+01:00", "reminder": "2999-01-01T08:00:00+00:00"}
    observation, created = submit(owner, version, answers=answers)
    assert created
    assert [(warning["code"], warning.get("question")) for warning in observation.warnings] == [
        ("in_future", "reminder")
    ]


@pytest.mark.django_db
def test_a_date_time_answer_that_is_no_moment_is_refused(owner: Any, project: Project) -> None:
    version = form_publish_xlsform(
        actor=None, project=project, file_name="moments.csv", content=moment_form_csv()
    )
    with pytest.raises(InvalidInputError) as raised:
        submit(owner, version, answers={"seen_at": "last tuesday"})
    assert raised.value.details == {
        "seen_at": ["Give a date and time as YYYY-MM-DDTHH:MM:SS with a timezone."]
    }
    assert not Observation.objects.exists()


# --- who may edit an observation (issue 9 item 1) -----------------------------------------------


def member_of(project: Project, role: str = ProjectRole.MEMBER) -> Any:
    person = UserFactory()
    MembershipFactory(project=project, user=person, role=role)
    return person


@pytest.mark.django_db
def test_a_volunteer_cannot_edit_another_volunteers_observation_and_nothing_changes(
    project: Project, version: FormVersion
) -> None:
    victim, attacker = member_of(project), member_of(project)
    original, _ = submit(victim, version, geoprivacy="open")

    with pytest.raises(PermissionDeniedError) as raised:
        submit(
            attacker,
            version,
            instance_id="uuid:2",
            deprecated_id="uuid:1",
            answers={**ANSWERS, "count": 99},
            geoprivacy="private",
        )

    assert raised.value.code == "edit_not_permitted"
    original.refresh_from_db()
    assert list(Observation.objects.values_list("instance_id", flat=True)) == ["uuid:1"]
    assert original.geoprivacy == "open" and original.public_latitude is not None


@pytest.mark.django_db
def test_the_observer_edits_their_own_observation_also_after_a_lead_edited_it(
    project: Project, version: FormVersion, owner: Any
) -> None:
    observer = member_of(project)
    submit(observer, version)
    assert submit(observer, version, instance_id="uuid:2", deprecated_id="uuid:1")[1]
    assert submit(owner, version, instance_id="uuid:3", deprecated_id="uuid:2")[1]
    third_edit, created = submit(observer, version, instance_id="uuid:4", deprecated_id="uuid:3")
    assert created and third_edit.deprecates.instance_id == "uuid:3"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (ProjectRole.OWNER, True),
        (ProjectRole.RESEARCHER, True),
        (ProjectRole.MODERATOR, False),
        (ProjectRole.MEMBER, False),
        (ProjectRole.VIEWER, False),
    ],
)
def test_only_the_projects_leads_edit_someone_elses_observation(
    project: Project, version: FormVersion, role: str, allowed: bool
) -> None:
    submit(member_of(project), version)
    editor = member_of(project, role)
    if allowed:
        assert submit(editor, version, instance_id="uuid:2", deprecated_id="uuid:1")[1]
    else:
        with pytest.raises(PermissionDeniedError):
            submit(editor, version, instance_id="uuid:2", deprecated_id="uuid:1")
        assert Observation.objects.count() == 1


@pytest.mark.django_db
def test_lab_staff_edit_anyones_observation(
    project: Project, version: FormVersion, staff: Any
) -> None:
    submit(member_of(project), version)
    assert submit(staff, version, instance_id="uuid:2", deprecated_id="uuid:1")[1]


@pytest.mark.django_db
def test_someone_elses_rejected_observation_is_unknown_to_an_outsider_of_an_open_project(
    volunteer: Any,
) -> None:
    project: Project = ProjectFactory(public=True, membership_policy="open")
    version = publish(project)
    original, _ = submit(UserFactory(), version)
    Observation.objects.filter(pk=original.pk).update(status=Observation.Status.REJECTED)

    with pytest.raises(InvalidInputError) as raised:
        submit(volunteer, version, instance_id="uuid:2", deprecated_id="uuid:1")
    assert raised.value.code == "unknown_deprecated_id"


@pytest.mark.django_db
def test_a_batch_refuses_an_edit_of_someone_elses_observation_and_stores_the_rest(
    project: Project, version: FormVersion
) -> None:
    submit(member_of(project), version)
    attacker = member_of(project)
    results = observation_submit_batch(
        actor=attacker,
        form=version.form,
        submissions=[
            Submission(instance_id="uuid:2", version="1", answers=ANSWERS, deprecated_id="uuid:1"),
            Submission(instance_id="uuid:3", version="1", answers=ANSWERS),
        ],
    )
    assert [(result.status, result.code) for result in results] == [
        ("refused", "edit_not_permitted"),
        ("created", ""),
    ]
    assert not Observation.objects.filter(deprecates__isnull=False).exists()


@pytest.mark.django_db
def test_the_api_answers_403_to_an_edit_of_someone_elses_observation_and_lists_the_original(
    client: Any, project: Project, version: FormVersion
) -> None:
    victim, attacker = member_of(project), member_of(project)
    submit(victim, version)
    client.force_login(attacker)
    address = f"/api/v1/projects/{project.slug}/forms/birds/submissions"

    response = client.post(
        address,
        {"instance_id": "uuid:2", "version": "1", "deprecated_id": "uuid:1", "answers": ANSWERS},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "edit_not_permitted"
    listed = client.get(f"/api/v1/projects/{project.slug}/observations").json()
    assert [item["instance_id"] for item in listed["items"]] == ["uuid:1"]


# --- the migration that undoes edits by others (issue 9 item 1) ---------------------------------

undo_migration = importlib.import_module("cslab.collection.migrations.0007_undo_edits_by_others")


def stored_edit(editor: Any, version: FormVersion, instance_id: str, of: Observation) -> Any:
    """An edit as the unfixed service stored it, whoever sent it."""
    edit, _ = submit(editor, version, instance_id=instance_id)
    Observation.objects.filter(pk=edit.pk).update(deprecates=of)
    return edit


@pytest.mark.django_db
def test_the_migration_unlinks_and_flags_edits_of_someone_elses_observation_only(
    project: Project, version: FormVersion, owner: Any, staff: Any
) -> None:
    victim, attacker = member_of(project), member_of(project)
    original, _ = submit(victim, version, instance_id="uuid:victim")
    own_edit = stored_edit(victim, version, "uuid:victim-2", original)
    lead_edit = stored_edit(owner, version, "uuid:owner-3", own_edit)
    staff_edit = stored_edit(staff, version, "uuid:staff-4", lead_edit)
    back_to_observer = stored_edit(victim, version, "uuid:victim-5", staff_edit)
    other, _ = submit(victim, version, instance_id="uuid:other")
    Observation.objects.filter(pk=other.pk).update(status_reason="Checked.", status="accepted")
    hijack = stored_edit(attacker, version, "uuid:attacker", other)

    changed = undo_migration.undo_edits_by_others(collection_migration_apps(), None)

    assert changed == [hijack.pk]
    hijack.refresh_from_db()
    assert hijack.deprecates is None and hijack.status == "flagged"
    assert hijack.answers == ANSWERS and hijack.observer == attacker
    assert hijack.status_reason.startswith(f"Sent as an edit of observation {other.pk} ")
    event = ModerationEvent.objects.get(observation=hijack)
    assert (event.from_status, event.to_status, event.actor) == ("pending", "flagged", None)
    other.refresh_from_db()
    assert other.status_reason == "Checked." and not other.deprecated_by.exists()
    chain = [own_edit, lead_edit, staff_edit, back_to_observer]
    assert [Observation.objects.get(pk=edit.pk).deprecates_id for edit in chain] == [
        original.pk,
        own_edit.pk,
        lead_edit.pk,
        staff_edit.pk,
    ]
    assert undo_migration.undo_edits_by_others(collection_migration_apps(), None) == []


@pytest.mark.django_db
def test_the_migration_tells_devices_apart_and_judges_leads_by_when_they_joined(
    project: Project, version: FormVersion, owner: Any
) -> None:
    def sent_by(sender: Any, instance_id: str, of: Observation | None = None) -> Observation:
        observation, _ = submit(owner, version, instance_id=instance_id)
        person = None if isinstance(sender, AppUser) else sender
        Observation.objects.filter(pk=observation.pk).update(observer=person, deprecates=of)
        if isinstance(sender, AppUser):
            AppUserSubmission.objects.create(app_user=sender, observation=observation)
        return observation

    phone = app_user_create(actor=None, project=project, name="Phone 1")
    other_phone = app_user_create(actor=None, project=project, name="Phone 2")
    later_lead = UserFactory()
    sent = sent_by(phone, "uuid:phone")
    same_phone = sent_by(phone, "uuid:phone-2", of=sent)
    other_phone_edit = sent_by(other_phone, "uuid:phone-3", of=sent_by(phone, "uuid:second"))
    late_edit = sent_by(later_lead, "uuid:late-lead", of=sent_by(phone, "uuid:third"))
    MembershipFactory(project=project, user=later_lead, role=ProjectRole.RESEARCHER)

    changed = undo_migration.undo_edits_by_others(collection_migration_apps(), None)

    assert sorted(changed) == sorted([other_phone_edit.pk, late_edit.pk])
    assert Observation.objects.get(pk=same_phone.pk).deprecates_id == sent.pk


# --- tombstones outlive SECRET_KEY (issue 9 item 22) --------------------------------------------

key_migration = importlib.import_module("cslab.collection.migrations.0008_tombstone_key")
ROTATED = {"SECRET_KEY": "a-new-secret-key-after-rotation-" + "x" * 40, "SECRET_KEY_FALLBACKS": []}


@pytest.mark.parametrize("key", [b"", b"short key", b"k" * 64, b"long key " * 12])
@pytest.mark.parametrize("length", [0, 1, 55, 56, 63, 64, 65, 119, 200])
def test_hmac_states_give_the_hmac_of_their_key(key: bytes, length: int) -> None:
    message = bytes(range(256))[:length]
    expected = hmac.new(key, message, hashlib.sha256).hexdigest()
    assert tombstones.hmac_from_states(tombstones.hmac_states(key), message) == expected


@pytest.mark.django_db
def test_an_erased_instance_id_stays_refused_after_the_secret_key_is_rotated(
    owner: Any, version: FormVersion
) -> None:
    observation, _ = submit(owner, version)
    observation_erase(actor=owner, observation=observation)

    with override_settings(**ROTATED), pytest.raises(ConflictError) as raised:
        submit(owner, version)

    assert raised.value.code == "instance_erased"
    assert not Observation.objects.exists()


@pytest.mark.django_db
def test_an_erasure_made_before_the_site_key_blocks_replays_after_it_and_after_a_rotation(
    owner: Any, version: FormVersion, settings: Any
) -> None:
    # A tombstone as the code before the site key made it: keyed with the SECRET_KEY of then.
    settings.SECRET_KEY_FALLBACKS = ["an-even-older-secret-key-" + "y" * 40]
    old_key = settings.SECRET_KEY.encode()
    older_key = settings.SECRET_KEY_FALLBACKS[0].encode()
    for secret, instance_id in ((old_key, "uuid:old"), (older_key, "uuid:older")):
        message = f"observation-instance:v1:{instance_id}".encode()
        Tombstone.objects.create(
            form=version.form, instance_hash=hmac.new(secret, message, hashlib.sha256).hexdigest()
        )
    TombstoneKey.objects.all().delete()
    key_migration.create_tombstone_key(collection_migration_apps(), None)

    stored = TombstoneKey.objects.get()
    assert old_key.hex() not in json.dumps(stored.legacy_states)
    for instance_id in ("uuid:old", "uuid:older"):
        for overrides in ({}, ROTATED):
            with override_settings(**overrides), pytest.raises(ConflictError) as raised:
                submit(owner, version, instance_id=instance_id)
            assert raised.value.code == "instance_erased"
    assert submit(owner, version, instance_id="uuid:new")[1]


@pytest.mark.django_db
def test_a_site_without_tombstones_gets_a_key_without_earlier_states() -> None:
    TombstoneKey.objects.all().delete()
    key_migration.create_tombstone_key(collection_migration_apps(), None)
    key = TombstoneKey.objects.get()
    assert len(bytes.fromhex(key.key)) == 32 and key.legacy_states == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_carries_the_tombstone_key(tmp_path: Path, migrated_sqlite_file: Path) -> None:
    """`cslab backup` and `restore` copy the whole database, the key included."""
    environment = site_environment(
        var_dir=tmp_path / "var", database_url=f"sqlite:///{migrated_sqlite_file}"
    )
    environment["PYTHONPATH"] = str(Path(cslab.__file__).resolve().parents[1])
    read_key = (
        "from cslab.observations.models import TombstoneKey; "
        "print('KEY', TombstoneKey.objects.get().key)"
    )

    def key() -> str:
        output = cslab_ok(environment, "shell", "--verbosity", "0", "--command", read_key)
        return output.split("KEY ")[-1].strip()

    before = key()
    backup = Path(cslab_ok(environment, "backup").strip())
    cslab_ok(
        environment,
        "shell",
        "--command",
        "from cslab.observations.models import TombstoneKey; "
        "TombstoneKey.objects.update(key='00' * 32)",
    )
    cslab_ok(environment, "restore", str(backup), "--yes")
    assert key() == before
