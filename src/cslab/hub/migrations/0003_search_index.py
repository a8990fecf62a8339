"""The full-text index of hub resources (title, summary, search_document), one per engine.

SQLite: an FTS5 external-content table `hub_resource_fts` with the three columns (unicode61
tokenizer, accents folded, prefix indexes for the last word typed), kept in step by triggers on
hub_resource, ranked by bm25 with weights 10 (title), 4 (summary), 1 (document) as its default
`rank`; and `hub_resource_fts_vocab`, an fts5vocab table over it, the vocabulary that typos are
corrected against.
PostgreSQL: a stored generated column `search_vector`, the three texts weighted A, B and C, with
a GIN index; pg_trgm with trigram GIN indexes on title and summary, for typos.
Django's models list none of this; `cslab.hub.search` names it in SQL. Other engines get
nothing (search then tests each word as a substring).

Mind, for later migrations: on SQLite a rebuild of hub_resource (copy, drop, rename) drops the
triggers, so such a migration must recreate them; on PostgreSQL title, summary and
search_document cannot change type while search_vector is generated from them.
"""

from django.db import migrations

FTS_TABLE = "hub_resource_fts"
VOCABULARY_TABLE = "hub_resource_fts_vocab"
COLUMNS = "title, summary, search_document"
NEW_VALUES = "new.title, new.summary, new.search_document"
OLD_VALUES = "old.title, old.summary, old.search_document"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        {COLUMNS},
        content='hub_resource',
        content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
    )""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')",
    f"""CREATE TRIGGER {FTS_TABLE}_after_insert AFTER INSERT ON hub_resource BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {COLUMNS}) VALUES (new.id, {NEW_VALUES});
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_after_delete AFTER DELETE ON hub_resource BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {COLUMNS})
            VALUES ('delete', old.id, {OLD_VALUES});
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_after_update
    AFTER UPDATE OF title, summary, search_document ON hub_resource BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {COLUMNS})
            VALUES ('delete', old.id, {OLD_VALUES});
        INSERT INTO {FTS_TABLE}(rowid, {COLUMNS}) VALUES (new.id, {NEW_VALUES});
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    f"CREATE VIRTUAL TABLE {VOCABULARY_TABLE} USING fts5vocab({FTS_TABLE}, 'row')",
]
SQLITE_DROP = [
    f"DROP TABLE IF EXISTS {VOCABULARY_TABLE}",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_after_insert",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_after_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_after_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
# Stored, so matching and ranking read parsed words instead of parsing three texts per row;
# storage MAIN keeps it in the row rather than in TOAST (the UPDATE rewrites existing rows so).
POSTGRESQL_CREATE = [
    "ALTER TABLE hub_resource ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_document, '')), 'C')"
    ") STORED",
    "ALTER TABLE hub_resource ALTER COLUMN search_vector SET STORAGE MAIN",
    "UPDATE hub_resource SET search_document = search_document",
    "CREATE INDEX IF NOT EXISTS hub_resource_search_vector_gin ON hub_resource "
    "USING gin (search_vector)",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS hub_resource_title_trgm ON hub_resource "
    "USING gin (lower(title) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS hub_resource_summary_trgm ON hub_resource "
    "USING gin (lower(summary) gin_trgm_ops)",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS hub_resource_summary_trgm",
    "DROP INDEX IF EXISTS hub_resource_title_trgm",
    "DROP INDEX IF EXISTS hub_resource_search_vector_gin",
    "ALTER TABLE hub_resource DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_search_index(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE})


def drop_search_index(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0002_curation_default_criteria"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
