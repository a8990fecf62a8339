"""The full-text index of Project.search_document, one per database engine.

SQLite: an FTS5 external-content table `projects_project_fts` (no copy of the text, only the
index) that triggers on projects_project keep in step, filled from the existing rows.
PostgreSQL: a GIN index on to_tsvector('simple', search_document), the exact expression
`cslab.projects.search` queries. Other engines get nothing (search then matches nothing).

Mind on SQLite: Django rebuilds a table for some later schema changes (copy, drop, rename), and
dropping the old table drops these triggers. A migration that rebuilds projects_project must
recreate them; tests/projects/test_search.py fails when they are missing.
"""

from django.db import migrations

FTS_TABLE = "projects_project_fts"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        search_document,
        content='projects_project',
        content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
    )""",
    f"""CREATE TRIGGER {FTS_TABLE}_after_insert AFTER INSERT ON projects_project BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_document) VALUES (new.id, new.search_document);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_after_delete AFTER DELETE ON projects_project BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document)
            VALUES ('delete', old.id, old.search_document);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_after_update AFTER UPDATE OF search_document ON projects_project
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document)
            VALUES ('delete', old.id, old.search_document);
        INSERT INTO {FTS_TABLE}(rowid, search_document) VALUES (new.id, new.search_document);
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_after_insert",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_after_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_after_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX IF NOT EXISTS project_search_document_gin ON projects_project "
    "USING gin (to_tsvector('simple'::regconfig, search_document))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS project_search_document_gin"]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_search_index(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE})


def drop_search_index(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
