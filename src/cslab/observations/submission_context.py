"""What a submission reads before it is stored, in one round trip.

A submission needs its project's collection settings, sensitive categories, the site's
tombstone key and the consent gate (the version in force and whether the actor consented to
it). Read one by one through the ORM they cost four queries, and building those queries cost
more CPU than running them (issue 17). :func:`submission_context_read` reads all four with one
raw ``UNION ALL`` statement (PostgreSQL and SQLite) and builds the same objects the ORM
reads would. Whenever the answer is not the common one (no tombstone key yet; a consent gate
that refuses; an actor who is neither a person nor a device), it falls back to the ORM
functions, so errors and first-use behaviour stay exactly theirs.
"""

import json
from dataclasses import dataclass

from django.db import connection

from cslab.consent.models import ConsentRecord, ConsentVersion
from cslab.consent.services.consent import consent_version_in_force_for
from cslab.core.actors import Actor, person_or_none
from cslab.observations.models import CollectionSettings, SensitiveCategory, TombstoneKey
from cslab.observations.services.collection_settings import (
    collection_settings_of,
    sensitive_categories_of,
)
from cslab.observations.tombstones import site_key
from cslab.projects.models import Project


@dataclass(frozen=True)
class ProjectPolicy:
    """What a submission needs of its project's settings: read once for a whole batch."""

    settings: CollectionSettings
    sensitive_categories: list[tuple[str, frozenset[str]]]
    tombstone_key: TombstoneKey


def policy_of(project: Project) -> ProjectPolicy:
    """The policy through the ORM, three queries (the fallback and the batch's reads)."""
    return ProjectPolicy(
        collection_settings_of(project), sensitive_categories_of(project), site_key()
    )


def _statement(subject_column: str) -> str:
    settings = CollectionSettings._meta.db_table
    sensitive = SensitiveCategory._meta.db_table
    key = TombstoneKey._meta.db_table
    versions = ConsentVersion._meta.db_table
    records = ConsentRecord._meta.db_table
    # Every column is text so the branches of the UNION agree on PostgreSQL and SQLite.
    return (
        f"SELECT 'settings', CAST(s.id AS TEXT), s.default_geoprivacy, "  # noqa: S608 - our tables  # nosec B608
        f"CAST(s.accept_without_review AS TEXT) FROM {settings} s WHERE s.project_id = %s "
        f"UNION ALL SELECT 'sensitive', c.question, CAST(c.\"values\" AS TEXT), NULL "
        f"FROM {sensitive} c WHERE c.project_id = %s "
        f"UNION ALL SELECT 'key', k.key, CAST(k.legacy_states AS TEXT), NULL "
        f"FROM {key} k WHERE k.id = %s "
        f"UNION ALL SELECT * FROM (SELECT 'consent', CAST(v.id AS TEXT), CAST(v.number AS TEXT), "
        f"CASE WHEN EXISTS (SELECT 1 FROM {records} r WHERE r.project_id = %s "
        f"AND r.version_id = v.id AND r.withdrawn_at IS NULL AND r.superseded_at IS NULL "
        f"AND r.{subject_column} = %s) THEN 'yes' ELSE 'no' END "
        f"FROM {versions} v WHERE v.project_id = %s AND v.published_at IS NOT NULL "
        f"ORDER BY v.number DESC LIMIT 1) consent"
    )


_STATEMENTS = {column: _statement(column) for column in ("participant_id", "app_user_id")}


def _true(text: str | None) -> bool:
    return (text or "").lower() in {"1", "true", "t"}


def submission_context_read(
    *, actor: Actor, project: Project
) -> tuple[ProjectPolicy, ConsentVersion | None]:
    """(the project's policy, the consent version the actor consented to or None).

    Raises what `consent_version_in_force_for` raises (ConflictError `consent_required`)."""
    app_user = getattr(actor, "app_user", None)
    person = person_or_none(actor)
    if app_user is not None:
        column, subject = "app_user_id", app_user.pk
    elif person is not None:
        column, subject = "participant_id", person.pk
    else:
        return policy_of(project), consent_version_in_force_for(actor=actor, project=project)
    with connection.cursor() as cursor:
        cursor.execute(
            _STATEMENTS[column],
            [project.pk, project.pk, TombstoneKey.SINGLE_ID, project.pk, subject, project.pk],
        )
        rows = cursor.fetchall()
    settings_row: CollectionSettings | None = None
    categories: list[tuple[str, frozenset[str]]] = []
    key: TombstoneKey | None = None
    consent: tuple[int, int, bool] | None = None
    for kind, first, second, third in rows:
        if kind == "settings":
            # As the ORM would load it, `updated_at` deferred (nothing here reads it).
            settings_row = CollectionSettings.from_db(
                connection.alias,
                ["id", "project_id", "default_geoprivacy", "accept_without_review"],
                [int(first), project.pk, second, _true(third)],
            )
            settings_row.project = project
        elif kind == "sensitive":
            values = json.loads(second) if second else []
            categories.append((first, frozenset(str(value) for value in values or [])))
        elif kind == "key":
            key = TombstoneKey.from_db(
                connection.alias,
                ["id", "key", "legacy_states"],
                [TombstoneKey.SINGLE_ID, first, json.loads(second or "[]")],
            )
        else:
            consent = (int(first), int(second), third == "yes")
    if key is None:  # an emptied database: the ORM path makes the key
        key = site_key()
    policy = ProjectPolicy(
        settings_row if settings_row is not None else CollectionSettings(project=project),
        categories,
        key,
    )
    if consent is None:
        return policy, None
    version_id, number, consented = consent
    if not consented:  # the gate refuses: let it build its own error
        return policy, consent_version_in_force_for(actor=actor, project=project)
    # The observation keeps only the version's id; the rest loads if anything reads it.
    version = ConsentVersion.from_db(
        connection.alias, ["id", "project_id", "number"], [version_id, project.pk, number]
    )
    return policy, version
