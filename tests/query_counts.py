"""Query-count assertions at two data sizes: an N+1 (a query per row shown) fails CI.

A list endpoint or a page must cost the same number of queries whether it shows a few rows or
many. `assert_constant_queries` builds rows up to the small size, calls once to warm caches that
are filled once per process (content types, site settings), counts the queries of a second call,
adds rows up to the large size and counts again: the two counts must be equal.
"""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

SIZES = (2, 12)


def count_queries(call: Callable[[], Any]) -> tuple[int, Any, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result, [each["sql"] for each in captured]


def assert_constant_queries(
    make_rows: Callable[[int], Any],
    call: Callable[[], Any],
    *,
    shown: Callable[[Any], int] | None = None,
    sizes: tuple[int, int] = SIZES,
) -> int:
    """Assert `call` costs as many queries with `sizes[1]` rows as with `sizes[0]`.

    `make_rows(count)` adds `count` more rows; `call()` reads them (a response, a list...).
    `shown(result)`, when given, says how many rows the result shows: it must grow, so the test
    cannot pass by reading nothing. Returns the query count.
    """
    small, large = sizes
    make_rows(small)
    call()
    few_queries, few_result, _few_sql = count_queries(call)
    make_rows(large - small)
    many_queries, many_result, many_sql = count_queries(call)
    if shown is not None:
        assert shown(many_result) > shown(few_result), (
            f"the call should show more rows at {large} than at {small}: "
            f"{shown(few_result)} then {shown(many_result)}"
        )
    assert many_queries == few_queries, (
        f"{few_queries} queries with {small} rows but {many_queries} with {large}:\n"
        + "\n".join(many_sql)
    )
    return many_queries
