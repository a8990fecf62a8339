"""What the facet index's freshness token reads cheaply (`cslab.hub.facet_index`).

Every search compares a token with the one its in-memory facet index was built at. Two things
make the token cheap:

- an index on hub_resource.updated_at (both engines): `MAX(updated_at)` reads one entry instead
  of the whole table (~140 ms at 50,000 resources on SQLite);
- PostgreSQL only: a statement trigger on hub_resourcetag that moves `updated_at` of the
  resources whose tags changed, past the latest one, so a tag-only change moves
  `MAX(updated_at)`. Counting the 450,000 tag rows of 50,000 resources instead costs ~70 ms
  there; on SQLite counting them costs ~5 ms, so SQLite counts them (no trigger).

Plain SQL; the models list none of it. Mind, for later migrations: on SQLite a rebuild of
hub_resource (copy, drop, rename) drops the index, so such a migration must create it again.
"""

from django.db import migrations

INDEX = "hub_resource_updated_at"
TRIGGER_FUNCTION = "hub_resourcetag_touch_resource"
TAG_TRIGGERS = {
    "INSERT": ("hub_resourcetag_after_insert_touch", "REFERENCING NEW TABLE AS changed"),
    "UPDATE": ("hub_resourcetag_after_update_touch", "REFERENCING OLD TABLE AS changed"),
    "DELETE": ("hub_resourcetag_after_delete_touch", "REFERENCING OLD TABLE AS changed"),
}

COMMON_CREATE = [f"CREATE INDEX IF NOT EXISTS {INDEX} ON hub_resource (updated_at)"]
COMMON_DROP = [f"DROP INDEX IF EXISTS {INDEX}"]
# Later than any updated_at there is, even when the application's clock runs ahead of the
# database's; one UPDATE per statement (bulk inserts included), not one per row.
POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {TRIGGER_FUNCTION}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        moment timestamptz;
    BEGIN
        SELECT GREATEST(clock_timestamp(), MAX(updated_at) + interval '1 microsecond')
            INTO moment FROM hub_resource;
        UPDATE hub_resource SET updated_at = moment
            WHERE id IN (SELECT resource_id FROM changed);
        RETURN NULL;
    END
    $$""",
    *(
        f"CREATE TRIGGER {name} AFTER {event} ON hub_resourcetag {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_FUNCTION}()"
        for event, (name, transition) in TAG_TRIGGERS.items()
    ),
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name} ON hub_resourcetag" for name, _ in TAG_TRIGGERS.values()),
    f"DROP FUNCTION IF EXISTS {TRIGGER_FUNCTION}()",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_freshness_support(apps, schema_editor):
    _run(
        schema_editor,
        {"sqlite": COMMON_CREATE, "postgresql": [*COMMON_CREATE, *POSTGRESQL_CREATE]},
    )


def drop_freshness_support(apps, schema_editor):
    _run(
        schema_editor,
        {"sqlite": COMMON_DROP, "postgresql": [*POSTGRESQL_DROP, *COMMON_DROP]},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0003_search_index"),
    ]

    operations = [
        migrations.RunPython(create_freshness_support, drop_freshness_support, elidable=False),
    ]
