"""Ingestion costs a bounded number of queries: one submission a handful, a batch the same
whatever its size; the batch's multi-row insert keeps every guarantee of one-by-one submitting.

Speed itself is measured in `make bench` (benchmarks/submissions.py), not here."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cslab.consent.services.consent import consent_version_in_force_for
from cslab.core.errors import ConflictError
from cslab.core.problems import ProblemCode
from cslab.forms.models import FormVersion
from cslab.observations.models import CollectionSettings, Observation, SensitiveCategory
from cslab.observations.services.observations import (
    Submission,
    observation_erase,
    observation_submit,
    observation_submit_batch,
)
from cslab.observations.submission_context import policy_of, submission_context_read
from cslab.observations.tombstones import site_key
from cslab.projects.models import Project
from tests.collection.test_observations import ANSWERS, member_of, publish
from tests.consent.factories import make_consent, make_consent_version
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

# consent, collection settings, sensitive categories and tombstone key together (one query,
# cslab.observations.submission_context), outlier history, the insert, the map counts' one
# upsert and the tombstone check after it, and the savepoint around them (two statements).
MOST_QUERIES_PER_SUBMISSION = 7
# The same reads once for the whole batch, plus stored rows and tombstones of the batch's IDs,
# the multi-row insert, the map counts' one upsert, its tombstone check and the savepoint; the
# form's versions once.
MOST_QUERIES_PER_BATCH = 14


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish(project)


def items(count: int, start: int = 0) -> list[Submission]:
    return [
        Submission(instance_id=f"uuid:{number}", version="1", answers=ANSWERS)
        for number in range(start, start + count)
    ]


def test_a_new_submission_costs_a_bounded_number_of_queries(
    project: Project, version: FormVersion
) -> None:
    person = member_of(project)
    observation_submit(actor=person, form_version=version, instance_id="uuid:warm", answers=ANSWERS)
    with CaptureQueriesContext(connection) as captured:
        _observation, created = observation_submit(
            actor=person, form_version=version, instance_id="uuid:new", answers=ANSWERS
        )
    assert created
    assert len(captured.captured_queries) <= MOST_QUERIES_PER_SUBMISSION, [
        query["sql"][:120] for query in captured.captured_queries
    ]


def test_a_batch_costs_the_same_queries_for_five_and_for_a_hundred_submissions(
    project: Project, version: FormVersion
) -> None:
    person = member_of(project)
    # The first submission of a fresh test database makes the site's tombstone key.
    observation_submit_batch(actor=person, form=version.form, submissions=items(1, 5000))
    counts = []
    for start, count in ((0, 5), (1000, 100)):
        with CaptureQueriesContext(connection) as captured:
            results = observation_submit_batch(
                actor=person, form=version.form, submissions=items(count, start)
            )
        assert [result.status for result in results] == ["created"] * count
        statements = [query["sql"] for query in captured.captured_queries]
        inserts = [sql for sql in statements if sql.startswith("INSERT")]
        # SQLite caps a statement's parameters, so Django splits the multi-row INSERT there
        # (PostgreSQL sends one); a query per row would be 100.
        assert 1 <= len(inserts) <= 5
        counts.append(len(statements) - len(inserts) + 1)
    assert counts[0] == counts[1] <= MOST_QUERIES_PER_BATCH
    assert Observation.objects.filter(form=version.form).count() == 106


def test_a_batch_answers_stored_erased_repeated_and_new_ids_as_one_by_one_submitting_would(
    project: Project, version: FormVersion
) -> None:
    person = member_of(project)
    for instance_id in ("uuid:same", "uuid:different", "uuid:erased"):
        observation_submit(
            actor=person, form_version=version, instance_id=instance_id, answers=ANSWERS
        )
    observation_erase(
        actor=project.initiator, observation=Observation.objects.get(instance_id="uuid:erased")
    )
    changed = {**ANSWERS, "count": 9}

    results = observation_submit_batch(
        actor=person,
        form=version.form,
        submissions=[
            Submission(instance_id="uuid:same", version="1", answers=ANSWERS),
            Submission(instance_id="uuid:different", version="1", answers=changed),
            Submission(instance_id="uuid:erased", version="1", answers=ANSWERS),
            Submission(instance_id="uuid:new", version="1", answers=ANSWERS),
            Submission(instance_id="uuid:new", version="1", answers=ANSWERS),
            Submission(instance_id="uuid:new", version="1", answers=changed),
        ],
    )

    assert [(result.status, result.code) for result in results] == [
        ("duplicate", ""),
        ("conflict", "instance_conflict"),
        ("conflict", "instance_erased"),
        ("created", ""),
        ("duplicate", ""),
        ("conflict", "instance_conflict"),
    ]
    assert results[3].observation is not None and results[4].observation is not None
    assert results[3].observation.pk == results[4].observation.pk
    assert Observation.objects.get(instance_id="uuid:different").answers == ANSWERS
    assert not Observation.objects.filter(instance_id="uuid:erased").exists()
    assert Observation.objects.filter(instance_id="uuid:new").count() == 1


def test_a_batch_stores_geoprivacy_and_plausibility_as_one_by_one_submitting_does(
    project: Project, version: FormVersion
) -> None:
    person = member_of(project)
    one, _created = observation_submit(
        actor=person,
        form_version=version,
        instance_id="uuid:one",
        answers=ANSWERS,
        geoprivacy="obscured",
    )
    [result] = observation_submit_batch(
        actor=person,
        form=version.form,
        submissions=[
            Submission(instance_id="uuid:two", version="1", answers=ANSWERS, geoprivacy="obscured")
        ],
    )
    two = Observation.objects.get(pk=result.observation.pk)  # type: ignore[union-attr]
    assert (two.geoprivacy, two.h3_res9) == (one.geoprivacy, one.h3_res9)
    assert two.public_latitude is not None and two.public_latitude != two.latitude
    assert two.public_h3_res9 and two.warnings == one.warnings


def test_the_one_query_context_reads_what_the_orm_reads(
    project: Project, version: FormVersion
) -> None:
    """The submission context (policy and consent gate in one statement) gives the same
    settings, sensitive categories, tombstone key and consented version as the ORM reads, and
    the gate's refusal is the ORM gate's."""
    person, stranger = member_of(project), member_of(project)
    CollectionSettings.objects.create(
        project=project, default_geoprivacy="obscured", accept_without_review=True
    )
    SensitiveCategory.objects.create(project=project, question="species", values=["wolf", 7])
    SensitiveCategory.objects.create(project=project, question="notes", values=[])
    make_consent_version(project)
    consented = make_consent_version(project)
    make_consent(consented, participant=person)
    # The site's tombstone key exists from its first submission on; the very first read falls
    # back to the ORM, which creates it.
    site_key()

    with CaptureQueriesContext(connection) as captured:
        policy, consent = submission_context_read(actor=person, project=project)
    assert len(captured.captured_queries) == 1
    expected = policy_of(project)
    assert policy.settings.pk == expected.settings.pk
    assert (policy.settings.default_geoprivacy, policy.settings.accept_without_review) == (
        "obscured",
        True,
    )
    assert sorted(policy.sensitive_categories) == sorted(expected.sensitive_categories)
    assert (policy.tombstone_key.key, policy.tombstone_key.legacy_states) == (
        expected.tombstone_key.key,
        expected.tombstone_key.legacy_states,
    )
    assert consent is not None
    assert consent.pk == consent_version_in_force_for(actor=person, project=project).pk
    assert consent.number == consented.number
    assert consent.text_en == consented.text_en  # deferred, loads when read

    with pytest.raises(ConflictError) as refused:
        submission_context_read(actor=stranger, project=project)
    assert refused.value.code == ProblemCode.CONSENT_REQUIRED


def test_the_one_query_context_of_a_project_without_settings_or_consent(project: Project) -> None:
    person = member_of(project)
    policy, consent = submission_context_read(actor=person, project=project)
    assert consent is None
    assert policy.settings.pk is None
    assert policy.settings.default_geoprivacy == CollectionSettings().default_geoprivacy
    assert policy.sensitive_categories == []
