"""Full-text search over `Project.search_document`, on SQLite and on PostgreSQL.

The services keep `search_document` (name, aim, description, how to take part, place,
department, keyword and domain tags, organisation name) in lower case; migration
0002_project_search_index indexes it:

- SQLite: the FTS5 external-content table `projects_project_fts` (unicode61 tokenizer, accents
  folded), which triggers on projects_project keep in step;
- PostgreSQL: a GIN index on `to_tsvector('simple', search_document)`, the expression queried
  here (the 'simple' configuration: no stemming, no stop words, as on SQLite).

Any text a person types is turned into words (letters and digits) before it reaches either
engine, each word quoted as a literal: quotes, operators (AND, OR, NOT, NEAR, `-`, `:*`, `|`),
emoji and empty input never make a query fail. All words must match; the last one also matches
as a prefix ("pollin" finds "pollinators"), so results follow the typing.
"""

import re
import unicodedata
from collections.abc import Sequence

from django.db import connections
from django.db.models import BooleanField, F, FloatField, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from cslab.projects.models import Project

FTS_TABLE = "projects_project_fts"
POSTGRESQL_INDEX = "project_search_document_gin"
SQLITE_TRIGGERS = (
    f"{FTS_TABLE}_after_insert",
    f"{FTS_TABLE}_after_delete",
    f"{FTS_TABLE}_after_update",
)
MAX_TERMS = 8
MAX_TERM_LENGTH = 50

# Letters and digits of any script; everything else (punctuation, operators, emoji, spaces,
# underscores) separates words, as in FTS5's unicode61 tokenizer.
_WORD = re.compile(r"[^\W_]+")


def search_terms(text: str) -> list[str]:
    """Return the words of a search text, lower case, at most MAX_TERMS of them.

    An empty list means "no search": the text had no letters or digits.
    """
    normalised = unicodedata.normalize("NFKC", text or "").casefold()
    return [word[:MAX_TERM_LENGTH] for word in _WORD.findall(normalised)][:MAX_TERMS]


def sqlite_match_expression(terms: Sequence[str]) -> str:
    """Return an FTS5 query: every word as a quoted string, the last one as a prefix."""
    phrases = ['"' + term.replace('"', '""') + '"' for term in terms]
    phrases[-1] += "*"
    return " AND ".join(phrases)


def postgresql_tsquery(terms: Sequence[str]) -> str:
    """Return a to_tsquery text: every word as a quoted lexeme, the last one as a prefix."""
    lexemes = ["'" + term.replace("\\", "\\\\").replace("'", "''") + "'" for term in terms]
    lexemes[-1] += ":*"
    return " & ".join(lexemes)


class _SimpleFunc(Func):
    """A text-search function of PostgreSQL's 'simple' configuration, as the index has it."""

    template = "%(function)s('simple'::regconfig, %(expressions)s)"


class _ToTsVector(_SimpleFunc):
    function = "to_tsvector"


class _ToTsQuery(_SimpleFunc):
    function = "to_tsquery"


class _Matches(Func):
    """`<tsvector> @@ <tsquery>`: true when the document matches the query."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _postgresql_document() -> _ToTsVector:
    return _ToTsVector(F("search_document"))


def _postgresql_query(terms: Sequence[str]) -> _ToTsQuery:
    return _ToTsQuery(Value(postgresql_tsquery(terms)))


def _vendor(queryset: QuerySet[Project]) -> str:
    return connections[queryset.db].vendor


def search_filter(queryset: QuerySet[Project], terms: Sequence[str]) -> QuerySet[Project]:
    """Return the projects of `queryset` whose search document has every word of `terms`.

    Without terms the queryset is returned unchanged. The condition is alias-safe: the queryset
    may be used as a subquery (facet counts do).
    """
    if not terms:
        return queryset
    vendor = _vendor(queryset)
    if vendor == "sqlite":
        # The SQL is a constant; the visitor's words travel as a parameter.
        matching = RawSQL(  # noqa: S611
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            (sqlite_match_expression(terms),),
        )
        return queryset.filter(Q(pk__in=matching))
    if vendor == "postgresql":
        return queryset.filter(_Matches(_postgresql_document(), _postgresql_query(terms)))
    # Another engine has no index: fall back to a substring test per word.
    condition = Q()
    for term in terms:
        condition &= Q(search_document__contains=term)
    return queryset.filter(condition)


def search_ranked_ids(
    queryset: QuerySet[Project], terms: Sequence[str], *, offset: int, limit: int
) -> list[int]:
    """Return one page of the ids of `queryset`, the best match first (one query).

    `queryset` must already be narrowed by `search_filter` with the same terms. Ties are broken
    by name, then id, so pages never overlap.
    """
    vendor = _vendor(queryset)
    if vendor == "postgresql":
        rank = Func(
            _postgresql_document(),
            _postgresql_query(terms),
            function="ts_rank",
            output_field=FloatField(),
        )
        ranked = queryset.annotate(search_rank=rank).order_by("-search_rank", "name", "pk")
        return list(ranked.values_list("pk", flat=True)[offset : offset + limit])
    if vendor != "sqlite":
        return list(queryset.order_by("name", "pk").values_list("pk", flat=True)[offset:][:limit])
    # FTS5 computes bm25 once per statement when the virtual table drives the query, so the
    # page is read from the index and joined to the (already filtered) candidate ids.
    candidates = queryset.order_by().values("pk").query
    candidates_sql, candidates_params = candidates.get_compiler(using=queryset.db).as_sql()
    sql = (
        f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} "  # noqa: S608 (constants and Django's SQL)
        f"JOIN projects_project ON projects_project.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid IN ({candidates_sql}) "
        f"ORDER BY {FTS_TABLE}.rank, projects_project.name, {FTS_TABLE}.rowid "
        "LIMIT %s OFFSET %s"
    )
    params = (sqlite_match_expression(terms), *candidates_params, limit, offset)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def search_index_rebuild(*, using: str = "default") -> None:
    """Re-read every project into the search index (after bulk loads or a restore).

    On SQLite the FTS5 index is rebuilt from projects_project and merged into one segment;
    on PostgreSQL the GIN index is rebuilt and the table's statistics refreshed.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for command in ("rebuild", "optimize"):
                sql = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES (%s)"  # noqa: S608
                cursor.execute(sql, (command,))
        elif connection.vendor == "postgresql":
            cursor.execute(f"REINDEX INDEX {POSTGRESQL_INDEX}")
            cursor.execute("ANALYZE projects_project")


def search_index_problems(*, using: str = "default") -> list[str]:
    """Return what is missing from the search index of this database (empty when all is there)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')",
            )
            present = {row[0] for row in cursor.fetchall()}
            wanted = (FTS_TABLE, *SQLITE_TRIGGERS)
            return [f"{name} is missing" for name in wanted if name not in present]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", (POSTGRESQL_INDEX,))
            return [] if cursor.fetchone() else [f"{POSTGRESQL_INDEX} is missing"]
    return []
