"""The one pagination convention of the API: opaque cursors over a stable ordering.

A list answers `{"items": [...], "next_cursor": "…" | null}`; the client passes
`?cursor=<next_cursor>` for the next page. Cursors are keyset positions, so pages stay correct
while rows are added, and deep pages cost as little as the first.
"""

import base64
import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from cslab.core.errors import InvalidInputError

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
    return InvalidInputError("The cursor is not one this API gave out.", code="invalid_cursor")


def _ordering(queryset: QuerySet[Any]) -> list[tuple[str, bool]]:
    """Return (field, descending) pairs, ending with the primary key to make the order total."""
    names = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    pairs = [(name.lstrip("-"), name.startswith("-")) for name in names if isinstance(name, str)]
    pairs = [("pk" if name == "id" else name, descending) for name, descending in pairs]
    if not any(name == "pk" for name, _ in pairs):
        pairs.append(("pk", pairs[-1][1] if pairs else False))
    return pairs


def _after(pairs: list[tuple[str, bool]], values: list[Any], queryset: QuerySet[Any]) -> Q:
    """Build the filter for rows strictly after `values` in the ordering."""
    model = queryset.model
    parsed = []
    for (name, _descending), value in zip(pairs, values, strict=True):
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        parsed.append(field.to_python(value))
    condition = Q()
    for index, (name, descending) in enumerate(pairs):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": parsed[index]})
        for earlier_index in range(index):
            step &= Q(**{pairs[earlier_index][0]: parsed[earlier_index]})
        condition |= step
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
        pairs = _ordering(queryset)
        queryset = queryset.order_by(*[f"{'-' if d else ''}{n}" for n, d in pairs])
        if pagination.cursor:
            values = decode_cursor(pagination.cursor, len(pairs))
            try:
                queryset = queryset.filter(_after(pairs, values, queryset))
            except (DjangoValidationError, TypeError, ValueError):
                raise _invalid_cursor() from None
        page = list(queryset[: pagination.limit + 1])
        next_cursor = None
        if len(page) > pagination.limit:
            page = page[: pagination.limit]
            last = page[-1]
            next_cursor = encode_cursor([_value(last, name) for name, _ in pairs])
        return {"items": page, "next_cursor": next_cursor}


def _value(instance: Any, name: str) -> Any:
    value = instance.pk if name == "pk" else getattr(instance, name)
    return value.isoformat() if hasattr(value, "isoformat") else value
