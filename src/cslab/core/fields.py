"""Values sent for model fields, made ready for `full_clean` (pure: no queries)."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Field, Model

from cslab.core.errors import InvalidInputError


def nulls_as_empty(model: type[Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the values with None for an optional field that cannot hold null replaced by
    the field's empty value ""; raise InvalidInputError naming any other such field.

    An API client that sends null to clear an optional text, choice or address field means
    its empty value; the database would refuse the null. `full_clean` lets None through for
    a field with blank=True (a boolean, say), so that is refused here; a null for a required
    field is left for `full_clean`, which refuses it naming the field. Names that are not
    fields of the model are returned unchanged, for the caller to refuse.
    """
    cleared = dict(values)
    problems: dict[str, list[str]] = {}
    fields = {field.name: field for field in model._meta.get_fields() if isinstance(field, Field)}
    for name, value in values.items():
        field = fields.get(name)
        if value is not None or field is None or field.null or not field.blank:
            continue
        if field.empty_strings_allowed:
            cleared[name] = ""
        else:
            problems[name] = [str(field.error_messages["null"])]
    if problems:
        raise InvalidInputError(str(next(iter(problems.values()))[0]), details=problems)
    return cleared
