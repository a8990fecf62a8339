"""The hub's facet index: every listed resource's facet values in memory, for fast counts.

Counting facets in SQL reads the tag rows of every match once per facet: hundreds of
milliseconds at 50,000 resources. Here each process keeps, per database, the listed resources'
facet data as numpy arrays: dense row numbers for resource ids (ascending), and per facet the
(row, value code) pairs (one per resource for a column facet, one per tag row for a tag facet).
A search's matching set is a boolean mask over the rows; a facet's counts are one `bincount`
over the pairs whose row is in the mask.

Freshness is exact: every search reads a generation token (one cheap query) and rebuilds the
index when it changed. The token is the number of listed resources, the latest `updated_at` of
any resource (publishing, retiring, reinstating and every edit of a facet column save the
resource), and the number and the highest id of the tag rows (tags are replaced by deleting and
inserting rows; ids are never reused, so any insert raises the highest id and any delete
without an insert lowers the count). The token is read before the data, so an index is never
older than its token; a write between the two only causes one more rebuild.

Thread-safe: an index is never changed once built; the cache swaps whole indexes under a lock,
and one thread builds while the others wait for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connections

from cslab.hub import states
from cslab.hub.models import Resource, ResourceTag
from cslab.hub.search import search_known_words
from cslab.hub.vocabulary import ResourceTagKind

# Facet parameter -> the Resource column it filters (the others are tags).
COLUMN_FACETS = {
    "kind": "kind",
    "level": "participation_level",
    "language": "language",
    "licence": "licence",
    "organisation": "organisation",
}
TAG_FACETS = {
    "faculty": ResourceTagKind.FACULTY,
    "domain": ResourceTagKind.DOMAIN,
    "phase": ResourceTagKind.PHASE,
    "sdg": ResourceTagKind.SDG,
    "audience": ResourceTagKind.AUDIENCE,
}
_FACET_OF_TAG_KIND = {str(kind): name for name, kind in TAG_FACETS.items()}

Token = tuple[Any, ...]

# Below this many listed resources one SQL query counts the facets faster than the index
# (and needs no build); at 50,000 it takes hundreds of milliseconds, the index about one.
INDEX_MIN_RESOURCES = 2_000
# Counting reads only the matching rows' pairs when fewer than 1/SPARSE_FRACTION rows match.
SPARSE_FRACTION = 8


@dataclass(frozen=True)
class FacetPairs:
    """One facet's (row, value code) pairs, ordered by row, and the values codes stand for."""

    rows: np.ndarray  # int32, one entry per pair, ascending
    codes: np.ndarray  # int32, same length
    starts: np.ndarray  # int64, size + 1: the pairs of row r are starts[r]:starts[r + 1]
    values: tuple[str, ...]  # code -> value
    code_of: Mapping[str, int]

    def mask(self, chosen: Iterable[str], size: int) -> np.ndarray:
        """The rows with any of the `chosen` values."""
        wanted = np.zeros(len(self.values), dtype=bool)
        wanted[[self.code_of[value] for value in chosen if value in self.code_of]] = True
        found = np.zeros(size, dtype=bool)
        if wanted.any():
            found[self.rows[wanted[self.codes]]] = True
        return found

    def counts(self, mask: np.ndarray, chosen_rows: np.ndarray) -> dict[str, int]:
        """How many pairs of each value have their row in `mask` (empty values left out).

        `chosen_rows` are the rows of `mask` (`np.flatnonzero(mask)`): when they are few, only
        their pairs are read, else every pair is tested.
        """
        if len(chosen_rows) * SPARSE_FRACTION < len(mask):
            first = self.starts[chosen_rows]
            lengths = self.starts[chosen_rows + 1] - first
            ends = np.cumsum(lengths)
            pairs = np.repeat(first - ends + lengths, lengths) + np.arange(
                ends[-1] if len(ends) else 0
            )
            selected = self.codes[pairs]
        else:
            selected = self.codes[mask[self.rows]]
        counted = np.bincount(selected, minlength=len(self.values))
        found = np.flatnonzero(counted)
        return {
            self.values[code]: count
            for code, count in zip(found.tolist(), counted[found].tolist(), strict=True)
            if self.values[code]
        }


@dataclass(frozen=True)
class FacetIndex:
    token: Token
    ids: np.ndarray  # int64, the listed resources' ids, ascending: row -> id
    newest: np.ndarray  # int32, rows newest first (the engine's own -published_at, -pk order)
    facets: Mapping[str, FacetPairs]
    build_seconds: float
    # What is derived later from the same state of the hub (e.g. the words of the titles).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        arrays = [self.ids, self.newest]
        for pairs in self.facets.values():
            arrays += [pairs.rows, pairs.codes, pairs.starts]
        return sum(array.nbytes for array in arrays)

    def known_words(self, using: str) -> Mapping[str, Sequence[str]]:
        """The words typos are corrected against (`search_known_words`), read once per index,
        when a search first needs them."""
        words = self.memo.get("known_words")
        if words is None:
            words = self.memo["known_words"] = search_known_words(using=using)
        return words

    def all_rows(self) -> np.ndarray:
        return np.ones(self.size, dtype=bool)

    def rows_of(self, ids: Sequence[int]) -> np.ndarray:
        """The mask of the rows of these ids (ids of resources not listed are left out)."""
        found = np.zeros(self.size, dtype=bool)
        if not len(ids) or not self.size:
            return found
        wanted = np.asarray(ids, dtype=np.int64)
        positions = np.searchsorted(self.ids, wanted)
        positions[positions >= self.size] = 0
        present = self.ids[positions] == wanted
        found[positions[present]] = True
        return found

    def ids_of(self, mask: np.ndarray) -> list[int]:
        return [int(pk) for pk in self.ids[mask]]

    def newest_ids(self, mask: np.ndarray, offset: int, limit: int) -> list[int]:
        """One page of the ids in `mask`, newest first."""
        ordered = self.newest[mask[self.newest]]
        return [int(pk) for pk in self.ids[ordered[offset : offset + limit]]]


def _token(using: str) -> Token:
    connection = connections[using]
    quote = connection.ops.quote_name
    resources = quote(Resource._meta.db_table)
    parts = [
        f"(SELECT COUNT(*) FROM {resources} WHERE status = %s)",  # noqa: S608 (constants)  # nosec B608
        f"(SELECT MAX(updated_at) FROM {resources})",  # noqa: S608 (quoted Django table names)  # nosec B608
    ]
    if connection.vendor != "postgresql":
        # PostgreSQL's trigger moves updated_at on tag changes (migration 0004); elsewhere the
        # tag rows themselves tell.
        tags = quote(ResourceTag._meta.db_table)
        parts += [f"(SELECT COUNT(*) FROM {tags})", f"(SELECT MAX(id) FROM {tags})"]  # noqa: S608 (quoted Django table names)  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", (states.PUBLISHED,))
        row = cursor.fetchone()
    return tuple(row) if row else ()


def _pairs(rows: np.ndarray, values: Sequence[str], size: int) -> FacetPairs:
    distinct = sorted(set(values))
    code_of = {value: code for code, value in enumerate(distinct)}
    codes = np.fromiter((code_of[value] for value in values), dtype=np.int32, count=len(values))
    by_row = np.argsort(rows, kind="stable")
    rows, codes = rows[by_row], codes[by_row]
    starts = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=size), out=starts[1:])
    return FacetPairs(
        rows=rows, codes=codes, starts=starts, values=tuple(distinct), code_of=code_of
    )


def _build(token: Token, using: str) -> FacetIndex:
    """Read the listed resources' facet data (two queries) into a new index."""
    started = time.perf_counter()
    listed = Resource.objects.using(using).filter(status=states.PUBLISHED)
    columns = list(COLUMN_FACETS.values())
    # Newest first, as the engine orders (-published_at, -pk): the "newest" page order.
    resource_rows = list(listed.order_by("-published_at", "-pk").values_list("pk", *columns))
    newest_ids = np.fromiter(
        (row[0] for row in resource_rows), dtype=np.int64, count=len(resource_rows)
    )
    by_id = np.argsort(newest_ids, kind="stable")
    ids = newest_ids[by_id]
    newest = np.empty(len(ids), dtype=np.int32)
    newest[by_id] = np.arange(len(ids), dtype=np.int32)  # the row of each newest position
    facets: dict[str, FacetPairs] = {}
    for position, name in enumerate(COLUMN_FACETS, start=1):
        facets[name] = _pairs(newest, [row[position] or "" for row in resource_rows], len(ids))
    tag_rows: dict[str, tuple[list[int], list[str]]] = {name: ([], []) for name in TAG_FACETS}
    tags = (
        ResourceTag.objects.using(using)
        .filter(resource__status=states.PUBLISHED, kind__in=list(_FACET_OF_TAG_KIND))
        .order_by()
        .values_list("resource_id", "kind", "value")
    )
    for resource_id, kind, value in tags.iterator(chunk_size=20_000):
        resource_ids, values = tag_rows[_FACET_OF_TAG_KIND[kind]]
        resource_ids.append(resource_id)
        values.append(value)
    for name, (resource_ids, values) in tag_rows.items():
        rows = np.searchsorted(ids, np.asarray(resource_ids, dtype=np.int64)).astype(np.int32)
        facets[name] = _pairs(rows, values, len(ids))
    return FacetIndex(
        token=token,
        ids=ids,
        newest=newest,
        facets=facets,
        build_seconds=time.perf_counter() - started,
    )


class _Cache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._indexes: dict[tuple[str, str], FacetIndex] = {}
        self.listed: dict[tuple[str, str], int] = {}

    def get(self, using: str) -> FacetIndex:
        key = _key(using)
        # Read before the data: the index built is at least as new as its token.
        token = _token(using)
        index = self._indexes.get(key)
        if index is None or index.token != token:
            with self._lock:  # one thread builds; the others wait and take its index
                index = self._indexes.get(key)
                if index is None or index.token != token:
                    index = _build(token, using)
                    self._indexes[key] = index
        self.listed[key] = index.size
        return index

    def clear(self) -> None:
        with self._lock:
            self._indexes.clear()
            self.listed.clear()


def _key(using: str) -> tuple[str, str]:
    return using, str(connections[using].settings_dict.get("NAME"))


_cache = _Cache()


def facet_index(*, using: str = "default") -> FacetIndex:
    """Return the facet index of the listed resources in this database, fresh as of now."""
    return _cache.get(using)


def facet_index_for_search(*, using: str = "default") -> FacetIndex | None:
    """Return the facet index when the hub is big enough for it to pay, else None.

    A small hub (fewer than INDEX_MIN_RESOURCES listed, as the last search saw) is counted in
    SQL, which then reports the number listed (`facet_index_note_listed`).
    """
    if INDEX_MIN_RESOURCES > 0:
        seen = _cache.listed.get(_key(using))
        if seen is None or seen < INDEX_MIN_RESOURCES:
            return None
    return _cache.get(using)


def facet_index_note_listed(count: int, *, using: str = "default") -> None:
    """Remember how many resources are listed (a search counted in SQL saw `count`)."""
    _cache.listed[_key(using)] = count


def facet_index_clear() -> None:
    """Forget every built index and every number seen (the next search counts in SQL)."""
    _cache.clear()
