"""The one pagination convention of the API: opaque cursors over a stable ordering.

A list answers `{"items": [...], "next_cursor": "…" | null}`; the client passes
`?cursor=<next_cursor>` for the next page. Cursors are keyset positions, so pages stay correct
while rows are added, and deep pages cost as little as the first.
"""

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.db.models import F, OrderBy, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, expected_length: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        raise _invalid_cursor() from None
    if not isinstance(values, list) or len(values) != expected_length:
        raise _invalid_cursor()
    return values


def _invalid_cursor() -> InvalidInputError:
    return InvalidInputError(
        "The cursor is not one this API gave out.", code=ProblemCode.INVALID_CURSOR
    )


@dataclass(frozen=True)
class _Key:
    """One part of the ordering: an alias annotated on the queryset for it, its direction, and
    whether it can be NULL."""

    alias: str
    descending: bool
    nullable: bool
    field: Any  # the output field, which turns a cursor value back into a query value


def _ordering_expressions(queryset: QuerySet[Any]) -> list[tuple[Any, bool]]:
    """(expression, descending) of the queryset's ordering, ending with the primary key."""
    names = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    found: list[tuple[Any, bool]] = []
    for item in names:
        if isinstance(item, str):
            if item == "?":
                raise TypeError("A random order cannot be paged by a cursor.")
            name = item.lstrip("-")
            found.append((F("pk" if name == "id" else name), item.startswith("-")))
        elif isinstance(item, OrderBy):
            found.append((item.expression, item.descending))
        else:
            found.append((item, False))
    if not any(isinstance(expression, F) and expression.name == "pk" for expression, _ in found):
        found.append((F("pk"), found[-1][1] if found else False))
    return found


def _keys(queryset: QuerySet[Any]) -> tuple[QuerySet[Any], list[_Key]]:
    """Annotate every part of the ordering under its own alias and order by those aliases.

    Whatever the ordering names (a column, an annotation, a field of a relation, an
    expression), the cursor then reads and compares the value the database sorted by, so a
    cursor never needs a model field of that name. Nullable parts sort NULL as the smallest
    value on every database (first going up, last going down)."""
    expressions = _ordering_expressions(queryset)
    aliases = [f"cursor_key_{index}" for index in range(len(expressions))]
    queryset = queryset.annotate(
        **{alias: expression for alias, (expression, _) in zip(aliases, expressions, strict=True)}
    )
    keys = []
    for alias, (_expression, descending) in zip(aliases, expressions, strict=True):
        resolved = queryset.query.annotations[alias]
        # Only a column of the model's own table that the schema keeps NOT NULL is never NULL
        # (a column reached through a nullable relation is NULL when the relation is).
        target = getattr(resolved, "target", None)
        table = getattr(resolved, "alias", None)
        never_null = target is not None and table == queryset.query.base_table and not target.null
        nullable = not never_null
        keys.append(_Key(alias, descending, nullable, resolved.output_field))
    ordering = [
        F(key.alias).desc(nulls_last=True if key.nullable else None)
        if key.descending
        else F(key.alias).asc(nulls_first=True if key.nullable else None)
        for key in keys
    ]
    return queryset.order_by(*ordering), keys


def _after(keys: list[_Key], values: list[Any]) -> Q:
    """Build the filter for rows strictly after `values` in the ordering (NULL smallest)."""
    parsed = [
        None if value is None else key.field.to_python(value)
        for key, value in zip(keys, values, strict=True)
    ]
    for key, value in zip(keys, parsed, strict=True):
        if value is None and not key.nullable:
            raise ValueError("A cursor value is missing.")
        if isinstance(value, (list, dict)):
            raise ValueError("A cursor value is not a single value.")
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for key, value in zip(keys, parsed, strict=True):
        if value is None:
            later = Q(pk__in=[]) if key.descending else Q(**{f"{key.alias}__isnull": False})
            same = Q(**{f"{key.alias}__isnull": True})
        else:
            later = Q(**{f"{key.alias}__{'lt' if key.descending else 'gt'}": value})
            if key.descending and key.nullable:
                later |= Q(**{f"{key.alias}__isnull": True})
            same = Q(**{key.alias: value})
        condition |= equal_so_far & later
        equal_so_far &= same
    return condition


class CursorPagination(PaginationBase):
    class Input(Schema):
        cursor: str | None = Field(None, description="The `next_cursor` of the previous page.")
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")

    class Output(Schema):
        items: list[Any]
        next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        queryset, keys = _keys(queryset)
        if pagination.cursor:
            values = decode_cursor(pagination.cursor, len(keys))
            try:
                queryset = queryset.filter(_after(keys, values))
            except (DjangoValidationError, TypeError, ValueError, OverflowError):
                raise _invalid_cursor() from None
        try:
            page = list(queryset[: pagination.limit + 1])
        except (DataError, OverflowError):  # a value the column cannot hold, found by the database
            raise _invalid_cursor() from None
        next_cursor = None
        if len(page) > pagination.limit:
            page = page[: pagination.limit]
            last = page[-1]
            next_cursor = encode_cursor([_value(getattr(last, key.alias)) for key in keys])
        return {"items": page, "next_cursor": next_cursor}


def _value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
