"""Full-text search over projects: the index, words, prefixes, ranking and any typed text."""

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cslab.projects.models import Project
from cslab.projects.search import (
    FTS_TABLE,
    postgresql_tsquery,
    search_filter,
    search_index_problems,
    search_index_rebuild,
    search_ranked_ids,
    search_terms,
    sqlite_match_expression,
)
from cslab.projects.services.projects import organisation_create, project_create, project_update

pytestmark = pytest.mark.django_db


def _project(name: str, **fields: Any) -> Project:
    fields.setdefault("status", Project.Status.ACTIVE)
    fields.setdefault("visibility", Project.Visibility.PUBLIC)
    return project_create(actor=None, name=name, **fields)


def _found(text: str) -> set[str]:
    queryset = search_filter(Project.objects.all(), search_terms(text))
    return set(queryset.values_list("name", flat=True))


def test_the_search_index_is_installed_by_the_migrations() -> None:
    assert search_index_problems() == []


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"aim": "Count hedgehogs in gardens"}, "hedgehogs"),
        ({"description": "Volunteers measure nitrate in ditches"}, "nitrate"),
        ({"how_to_take_part": "Send photographs of lichens"}, "lichens"),
        ({"locality": "Katwijk"}, "katwijk"),
        ({"department": "Institute of Environmental Sciences"}, "environmental"),
        ({"tags": {"keyword": ["microplastics"]}}, "microplastics"),
        ({"tags": {"domain": ["biodiversity"]}}, "biodiversity"),
    ],
)
def test_search_finds_a_word_in_each_searched_field(fields: dict[str, Any], word: str) -> None:
    _project("Target", **fields)
    _project("Other", aim="Something else entirely")

    assert _found(word) == {"Target"}


def test_search_finds_a_project_by_its_organisations_name() -> None:
    organisation = organisation_create(actor=None, name="Stichting Groene Buurt", kind="ngo")
    _project("Street trees", organisation=organisation)

    assert _found("groene buurt") == {"Street trees"}


def test_search_ignores_case() -> None:
    _project("Night sky quality", aim="Measure LIGHT pollution")

    assert _found("Light POLLUTION") == {"Night sky quality"}


def test_every_word_must_match() -> None:
    _project("Bees in town", aim="urban bees")
    _project("Bees in meadows", aim="rural bees")

    assert _found("bees urban") == {"Bees in town"}
    assert _found("bees") == {"Bees in town", "Bees in meadows"}


def test_the_last_word_matches_as_a_prefix() -> None:
    _project("Garden visitors", aim="Which pollinators visit garden flowers?")

    assert _found("pollin") == {"Garden visitors"}
    assert _found("garden pollinat") == {"Garden visitors"}


def test_only_the_last_word_matches_as_a_prefix() -> None:
    _project("Garden visitors", aim="Which pollinators visit garden flowers?")

    assert _found("pollin garden") == set()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        '"',
        "'",
        '"unbalanced',
        "it's",
        "AND",
        "OR NOT",
        "bees AND",
        "NEAR(bees water)",
        "*",
        "bee*",
        ":*",
        "bees:*",
        "a & b | !c",
        "(",
        ")",
        "-bees",
        "^bees",
        "bees \\",
        "col:value",
        "🐝🌼",
        "bees 🐝",
        "\x00",
        "x" * 500,
        " ".join(["word"] * 50),
        "<script>alert(1)</script>",
        "'; DROP TABLE projects_project; --",
    ],
)
def test_any_typed_text_searches_without_error(text: str) -> None:
    _project("Bees everywhere", aim="bees and water")

    found = _found(text)

    assert found <= {"Bees everywhere"}


def test_text_without_letters_or_digits_is_no_search() -> None:
    assert search_terms("🐝 -- ** !!") == []


def test_search_words_are_quoted_for_each_engine() -> None:
    assert sqlite_match_expression(["bees", 'say"when']) == '"bees" AND "say""when"*'
    assert postgresql_tsquery(["bees", "it's"]) == "'bees' & 'it''s':*"


def test_the_index_follows_edits_and_deletions(staff: Any) -> None:
    project = _project("Canal water", aim="Measure algae")
    assert _found("algae") == {"Canal water"}

    project_update(actor=staff, project=project, aim="Measure duckweed")

    assert _found("algae") == set()
    assert _found("duckweed") == {"Canal water"}

    project.delete()

    assert _found("duckweed") == set()


def test_best_match_comes_first() -> None:
    weak = _project("Water notes", aim="A project about many things, among them bees.")
    strong = _project("Bees bees", aim="Bees: counting bees on balconies.")

    terms = search_terms("bees")
    queryset = search_filter(Project.objects.all(), terms)
    ids = search_ranked_ids(queryset, terms, offset=0, limit=10)

    assert ids == [strong.pk, weak.pk]


def test_ranked_pages_do_not_overlap() -> None:
    for number in range(5):
        _project(f"Bee survey {number}", aim="bees")
    terms = search_terms("bees")
    queryset = search_filter(Project.objects.all(), terms)

    first = search_ranked_ids(queryset, terms, offset=0, limit=3)
    second = search_ranked_ids(queryset, terms, offset=3, limit=3)

    assert len(first) == 3
    assert len(second) == 2
    assert not set(first) & set(second)


def test_ranking_keeps_the_filters_of_the_queryset() -> None:
    _project("Bees in private", aim="bees", visibility=Project.Visibility.PRIVATE)
    public = _project("Bees in public", aim="bees")
    terms = search_terms("bees")
    queryset = search_filter(Project.objects.filter(visibility="public"), terms)

    assert search_ranked_ids(queryset, terms, offset=0, limit=10) == [public.pk]


def test_rebuilding_the_index_restores_a_cleared_one() -> None:
    _project("Tide pools", aim="Crabs and anemones")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")  # noqa: S608
        assert _found("anemones") == set()

    search_index_rebuild()

    assert _found("anemones") == {"Tide pools"}


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_existing_projects_and_can_be_reversed() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("projects", "0001_initial")])
    try:
        assert search_index_problems() != []
        # Rows written while there is no index, as before this migration existed.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO projects_project (slug, name, initiator_type, status, visibility, "
                "membership_policy, edits_flagged_fields, aim, description, how_to_take_part, "
                "faculty, department, time_commitment, difficulty, equipment, contact_name, "
                "contact_email, funding, website, image, image_alt_text, image_credit, "
                "data_licence, locality, research_questions, protocol, data_management_plan, "
                "ethics_approval_reference, ethics_not_needed_reason, consent_text, "
                "recruitment_plan, mentor_status, origin, external_id, search_document, "
                "created_at, updated_at) VALUES ('old', 'Old project', 'researcher_led', "
                "'idea', 'private', 'approval', '[]', '', '', '', '', '', '', '', '', '', '', "
                "'', '', '', '', '', 'CC-BY-4.0', '', '', '', '', '', '', '', '', "
                "'not_requested', '', '', 'old project about otters', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert search_index_problems() == []
    assert _found("otters") == {"Old project"}
