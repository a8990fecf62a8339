"""Full-text search over hub resources, on SQLite and on PostgreSQL: match, rank, snippets, typos.

Migration 0003_search_index builds the indexes over three texts of `hub_resource`: title,
summary and `search_document` (body, authors, organisation, tag labels; see `hub.documents`):

- SQLite: the FTS5 external-content table `hub_resource_fts` (triggers keep it in step), ranked
  by bm25 with the title weighing 10, the summary 4 and the document 1 (its default `rank`);
  `hub_resource_fts_vocab` lists its words, for correcting typos;
- PostgreSQL: the stored generated column `search_vector` (title weight A, summary B, document
  C; the 'simple' configuration: no stemming, as on SQLite) with a GIN index, ranked by
  ts_rank_cd; pg_trgm indexes on the lower-case title and summary, for typos.

Words typed become quoted terms (`projects.search.search_terms`): operators, quotes and emoji
never break a query, all words must match and the last one also matches as a prefix.

Snippets come from the engine (`snippet()`, `ts_headline`) with private-use characters as
markers; the text is HTML-escaped before the markers become <mark>, so nothing in a resource
is ever taken as markup.
"""

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cslab.hub import states
from cslab.hub.models import Resource
from cslab.projects.search import postgresql_tsquery, search_terms, sqlite_match_expression

__all__ = [
    "highlighted",
    "search_corrected_terms",
    "search_filter",
    "search_index_problems",
    "search_index_rebuild",
    "search_known_words",
    "search_matching_ids",
    "search_ranked_ids",
    "search_snippets",
    "search_terms",
]

FTS_TABLE = "hub_resource_fts"
VOCABULARY_TABLE = "hub_resource_fts_vocab"
POSTGRESQL_INDEXES = (
    "hub_resource_search_vector_gin",
    "hub_resource_title_trgm",
    "hub_resource_summary_trgm",
)
SQLITE_TRIGGERS = (
    f"{FTS_TABLE}_after_insert",
    f"{FTS_TABLE}_after_delete",
    f"{FTS_TABLE}_after_update",
)
# What the facet index's freshness token reads (migration 0004, `hub.facet_index`).
FRESHNESS_INDEX = "hub_resource_updated_at"
POSTGRESQL_TAG_TRIGGERS = (
    "hub_resourcetag_after_insert_touch",
    "hub_resourcetag_after_update_touch",
    "hub_resourcetag_after_delete_touch",
)
# Private-use characters: no resource's text means anything by them.
MARK_START = "\ue000"
MARK_END = "\ue001"
SNIPPET_WORDS = 24
# How much of a long body PostgreSQL reads for a snippet.
SNIPPET_SOURCE_CHARACTERS = 20_000
# Typo correction reads at most this many words of the vocabulary per word typed.
MAX_CORRECTION_CANDIDATES = 3_000
CORRECTION_CUTOFF = 0.7
_WORD = re.compile(r"[^\W_]+")


def _vendor(using: str) -> str:
    return connections[using].vendor


def search_filter(queryset: QuerySet[Resource], terms: Sequence[str]) -> QuerySet[Resource]:
    """Return the resources of `queryset` whose texts have every word of `terms`.

    Without terms the queryset is returned unchanged. The condition (`pk IN (matching ids)`)
    stays correct when the queryset is used as a subquery (facet counts do).
    """
    if not terms:
        return queryset
    vendor = _vendor(queryset.db)
    # The SQL is constant; the visitor's words travel as a parameter.
    if vendor == "sqlite":
        matching = RawSQL(  # noqa: S611 (constant table names; terms and ids are parameters)  # nosec B611
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608 (constant table names; terms and ids are parameters)  # nosec B608
            (sqlite_match_expression(terms),),
        )
        return queryset.filter(pk__in=matching)
    if vendor == "postgresql":
        matching = RawSQL(
            "SELECT id FROM hub_resource "
            "WHERE search_vector @@ to_tsquery('simple'::regconfig, %s)",
            (postgresql_tsquery(terms),),
        )
        return queryset.filter(pk__in=matching)
    condition = Q()
    for term in terms:
        condition &= (
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(search_document__contains=term)
        )
    return queryset.filter(condition)


def search_matching_ids(terms: Sequence[str], *, using: str = "default") -> list[int]:
    """Return the ids of every resource, of any status, whose texts have every word (one query).

    Read from the index alone (SQLite's FTS5 table, PostgreSQL's GIN index and the vector),
    without the resources' rows: the caller keeps the listed ones (`hub.facet_index`).
    """
    vendor = _vendor(using)
    if vendor == "sqlite":
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608 (constant table names; terms and ids are parameters)  # nosec B608
        params: tuple[Any, ...] = (sqlite_match_expression(terms),)
    elif vendor == "postgresql":
        sql = (
            "SELECT id FROM hub_resource WHERE search_vector @@ to_tsquery('simple'::regconfig, %s)"
        )
        params = (postgresql_tsquery(terms),)
    else:
        found = search_filter(Resource.objects.using(using), terms).order_by()
        return list(found.values_list("pk", flat=True))
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def search_ranked_ids(
    queryset: QuerySet[Resource], terms: Sequence[str], *, offset: int, limit: int
) -> list[int]:
    """Return one page of the ids of `queryset`, the best match first (one query).

    `queryset` must already be narrowed by `search_filter` with the same terms. A title match
    outranks a summary match, which outranks one in the rest of the text; ties go to the newest,
    then the highest id, so pages never overlap.
    """
    vendor = _vendor(queryset.db)
    if vendor not in ("sqlite", "postgresql"):
        ordered = queryset.order_by("-published_at", "-pk").values_list("pk", flat=True)
        return list(ordered[offset : offset + limit])
    candidates = queryset.order_by().values("pk").query
    candidates_sql, candidates_params = candidates.get_compiler(using=queryset.db).as_sql()
    if vendor == "sqlite":
        # The FTS5 table drives the query so bm25 reads the index's statistics once; the "+"
        # keeps SQLite from pushing the candidates into FTS5 as one lookup per candidate.
        sql = (
            f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} "  # noqa: S608 (constants, Django's SQL)  # nosec B608
            f"JOIN hub_resource ON hub_resource.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND +{FTS_TABLE}.rowid IN ({candidates_sql}) "
            f"ORDER BY {FTS_TABLE}.rank, hub_resource.published_at DESC, {FTS_TABLE}.rowid DESC "
            "LIMIT %s OFFSET %s"
        )
        params: tuple[Any, ...] = (
            sqlite_match_expression(terms),
            *candidates_params,
            limit,
            offset,
        )
    else:
        sql = (
            "SELECT id FROM hub_resource "  # noqa: S608 (constants, Django's SQL)  # nosec B608
            "WHERE search_vector @@ to_tsquery('simple'::regconfig, %s) "
            f"AND id IN ({candidates_sql}) "
            "ORDER BY ts_rank_cd(search_vector, to_tsquery('simple'::regconfig, %s)) DESC, "
            "published_at DESC NULLS LAST, id DESC LIMIT %s OFFSET %s"
        )
        tsquery = postgresql_tsquery(terms)
        params = (tsquery, *candidates_params, tsquery, limit, offset)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def highlighted(marked: str) -> SafeString:
    """Return a snippet with markers as HTML: the text escaped, the marked words in <mark>.

    Markers that do not pair up (a text that held the private-use characters itself) are
    dropped rather than leaving a <mark> open.
    """
    if marked.count(MARK_START) != marked.count(MARK_END):
        marked = marked.replace(MARK_START, "").replace(MARK_END, "")
    html = escape(marked).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only our own <mark> tags added)  # nosec B308, B703


def search_snippets(
    ids: Sequence[int], terms: Sequence[str], *, using: str = "default"
) -> dict[int, SafeString]:
    """Return, for these resources, a short passage with the words found highlighted (one query).

    Without terms, or on another engine, there are no snippets (cards show the summary).
    """
    if not ids or not terms:
        return {}
    vendor = _vendor(using)
    placeholders = ", ".join(["%s"] * len(ids))
    if vendor == "sqlite":
        sql = (
            f"SELECT rowid, snippet({FTS_TABLE}, -1, %s, %s, %s, %s) "  # noqa: S608 (constant table names; terms and ids are parameters)  # nosec B608
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        params: tuple[Any, ...] = (
            MARK_START,
            MARK_END,
            "…",
            SNIPPET_WORDS,
            sqlite_match_expression(terms),
            *ids,
        )
    elif vendor == "postgresql":
        options = (
            f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords={SNIPPET_WORDS}, '
            'MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
        )
        sql = (
            "SELECT id, ts_headline('simple'::regconfig, "  # noqa: S608 (constant table names; terms and ids are parameters)  # nosec B608
            "title || ' · ' || summary || ' ' || left(body, %s), "
            "to_tsquery('simple'::regconfig, %s), %s) "
            f"FROM hub_resource WHERE id IN ({placeholders})"
        )
        params = (SNIPPET_SOURCE_CHARACTERS, postgresql_tsquery(terms), options, *ids)
    else:
        return {}
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {pk: highlighted(text) for pk, text in rows if text and MARK_START in text}


def _closest(term: str, candidates: Iterable[str]) -> str:
    unique = set(candidates)
    if term in unique:
        return term
    matches = difflib.get_close_matches(term, unique, n=1, cutoff=CORRECTION_CUTOFF)
    return matches[0] if matches else term


def _sqlite_candidates(cursor: object, term: str) -> list[str]:
    # Words of the index that share the first letter and are about as long; the vocabulary
    # table answers a range of `term` from the index without reading the documents.
    first = term[0]
    sql = (
        f"SELECT term FROM {VOCABULARY_TABLE} "  # noqa: S608 (constant)  # nosec B608
        "WHERE term >= %s AND term < %s AND length(term) BETWEEN %s AND %s LIMIT %s"
    )
    params = (first, chr(ord(first) + 1), len(term) - 2, len(term) + 2, MAX_CORRECTION_CANDIDATES)
    cursor.execute(sql, params)  # type: ignore[attr-defined]
    return [row[0] for row in cursor.fetchall()]  # type: ignore[attr-defined]


def _postgresql_candidates(cursor: object, term: str) -> list[str]:
    # The listed titles and summaries with a word like `term` (trigram word similarity, through
    # the trigram indexes); their words are the candidates.
    sql = (
        "SELECT text FROM ("
        "(SELECT lower(title) AS text FROM hub_resource WHERE status = %s "
        "AND %s <%% lower(title) ORDER BY word_similarity(%s, lower(title)) DESC LIMIT 10) "
        "UNION ALL "
        "(SELECT lower(summary) FROM hub_resource WHERE status = %s "
        "AND %s <%% lower(summary) ORDER BY word_similarity(%s, lower(summary)) DESC LIMIT 10)"
        ") AS alike"
    )
    params = (states.PUBLISHED, term, term, states.PUBLISHED, term, term)
    cursor.execute(sql, params)  # type: ignore[attr-defined]
    first = term[0]
    return [
        word
        for (text,) in cursor.fetchall()  # type: ignore[attr-defined]
        for word in _WORD.findall(text)
        if word.startswith(first) and abs(len(word) - len(term)) <= 2
    ]


def search_known_words(*, using: str = "default") -> dict[str, list[str]]:
    """Return the words typos are corrected against, by first letter, each list in order.

    SQLite: every word of the full-text index (its vocabulary table; ~0.3 s at 50,000
    resources, where reading one letter's words costs ~20 ms a search). PostgreSQL: the words
    of the listed titles and summaries (~1.5 s). Callers keep it while the hub is unchanged.
    """
    vendor = _vendor(using)
    if vendor == "sqlite":
        sql = f"SELECT term FROM {VOCABULARY_TABLE}"  # noqa: S608 (constant)  # nosec B608
        params: tuple[Any, ...] = ()
    elif vendor == "postgresql":
        sql = (
            "SELECT DISTINCT word FROM hub_resource, "
            "regexp_split_to_table(lower(title || ' ' || summary), '[^[:alnum:]]+') AS word "
            "WHERE status = %s AND word <> ''"
        )
        params = (states.PUBLISHED,)
    else:
        return {}
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if vendor == "sqlite":  # the index's own words, as the per-word query reads them
        found = {text for (text,) in rows if text}
    else:
        found = {word for (text,) in rows for word in _WORD.findall(text)}
    words: dict[str, list[str]] = {}
    for word in sorted(found):
        words.setdefault(word[0], []).append(word)
    return words


def search_corrected_terms(
    terms: Sequence[str],
    *,
    using: str = "default",
    known_words: Callable[[], Mapping[str, Sequence[str]]] | None = None,
) -> list[str]:
    """Return the terms with each word replaced by the closest word the hub knows.

    One bounded query per word (at most MAX_TERMS words): SQLite reads the index's vocabulary,
    PostgreSQL the titles and summaries most like the word. Given `known_words` (what
    `search_known_words` returned, kept by the caller) no query: SQLite reads the same words
    from it, PostgreSQL the words of every listed title and summary (on a large hub the trigram
    query reads thousands of titles for a common word). Candidates share the first letter and
    are about as long. A word already known, or with nothing close, stays as typed. Callers
    search again with the result and show it only when that finds something.
    """
    vendor = _vendor(using)
    if vendor not in ("sqlite", "postgresql"):
        return list(terms)
    corrected: list[str] = []
    with connections[using].cursor() as cursor:
        for term in terms:
            if len(term) < 3 or term.isdigit():
                corrected.append(term)
                continue
            if known_words is not None:
                candidates = [
                    word
                    for word in known_words().get(term[0], ())
                    if abs(len(word) - len(term)) <= 2
                ][:MAX_CORRECTION_CANDIDATES]
            elif vendor == "sqlite":
                candidates = _sqlite_candidates(cursor, term)
            else:
                candidates = _postgresql_candidates(cursor, term)
            corrected.append(_closest(term, candidates))
    return corrected


def search_index_rebuild(*, using: str = "default") -> None:
    """Re-read every resource into the search index (after bulk loads or a restore)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for command in ("rebuild", "optimize"):
                sql = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES (%s)"  # noqa: S608 (constant table names; terms and ids are parameters)  # nosec B608
                cursor.execute(sql, (command,))
        elif connection.vendor == "postgresql":
            for index in POSTGRESQL_INDEXES:
                cursor.execute(f"REINDEX INDEX {index}")
            cursor.execute("ANALYZE hub_resource")


def search_index_problems(*, using: str = "default") -> list[str]:
    """Return what is missing from the hub's search index in this database (empty: all there)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger', 'index')"
            )
            present = {row[0] for row in cursor.fetchall()}
            in_sqlite = (FTS_TABLE, VOCABULARY_TABLE, *SQLITE_TRIGGERS, FRESHNESS_INDEX)
            return [f"{name} is missing" for name in in_sqlite if name not in present]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'hub_resource'",
            )
            present = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'hub_resourcetag'::regclass"
            )
            present |= {row[0] for row in cursor.fetchall()}
            in_postgresql = (*POSTGRESQL_INDEXES, FRESHNESS_INDEX, *POSTGRESQL_TAG_TRIGGERS)
            return [f"{name} is missing" for name in in_postgresql if name not in present]
    return []
