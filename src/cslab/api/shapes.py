"""Requests are the shape the OpenAPI document says, checked before django-ninja reads them.

django-ninja validates a body in pydantic's lax mode against a schema that reads attributes,
so a JSON array sent where an object is expected validates as an object with every field
left out (`PATCH /me` with `[null, null]` answered 200 and changed nothing), `false`
validates as the number 0 and `0` as false. These are requests the OpenAPI document calls
invalid; a client that sends them has a bug it should hear about. Likewise a query or form
parameter that takes one value and is given twice (`?cursor=a&cursor=b`) was read as its last
value. This checks the shape first and answers 422 like any other validation error.
"""

import types
from typing import Any, Union, get_args, get_origin

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError
from pydantic import BaseModel


def require_requests_to_match_the_document(api: NinjaAPI) -> None:
    """Give every operation readers of its body, query and form that check their shape."""
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                operation.models = [_single_values(_checked(model)) for model in operation.models]


def _single_values(model: Any) -> Any:
    """A query or form model whose one-value parameters refuse to be given twice."""
    source = getattr(model, "__ninja_param_source__", None)
    if source not in ("query", "form"):
        return model
    flatten_map = getattr(model, "__ninja_flatten_map__", None)
    names = (
        set(flatten_map)
        if flatten_map
        else {field.alias or name for name, field in model.model_fields.items()}
    )
    single = names - set(getattr(model, "__ninja_collection_fields__", []))

    class SingleValues(model):  # type: ignore[misc]
        @classmethod
        def get_request_data(
            cls, request: HttpRequest, api: NinjaAPI, path_params: dict[str, Any]
        ) -> dict[str, Any] | None:
            values = request.GET if source == "query" else request.POST
            repeated = sorted(key for key in single if len(values.getlist(key)) > 1)
            if repeated:
                raise ValidationError(
                    [
                        {
                            "loc": (source, key),
                            "msg": "Give this parameter once; it takes one value.",
                            "type": "repeated_parameter",
                        }
                        for key in repeated
                    ]
                )
            data: dict[str, Any] | None = super().get_request_data(request, api, path_params)
            return data

    SingleValues.__name__ = model.__name__
    SingleValues.__qualname__ = model.__qualname__
    return SingleValues


def _object_members(annotation: Any) -> tuple[list[type[BaseModel]], bool] | None:
    """The object schemas a body may be and whether null is allowed; None if not only objects."""
    members = get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else ()
    members = members or (annotation,)
    objects = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    allows_null = type(None) in members
    if not objects or len(objects) + int(allows_null) != len(members):
        return None
    return objects, allows_null


def _checked(model: Any) -> Any:
    attribute: str | None = getattr(model, "__read_from_single_attr__", None)
    if getattr(model, "__ninja_param_source__", None) != "body" or not attribute:
        return model
    name = attribute
    shape = _object_members(model.model_fields[attribute].annotation)
    if shape is None:
        return model  # e.g. a list of submissions: pydantic checks arrays itself
    objects, allows_null = shape

    class CheckedBody(model):  # type: ignore[misc]
        @classmethod
        def get_request_data(
            cls, request: HttpRequest, api: NinjaAPI, path_params: dict[str, Any]
        ) -> dict[str, Any] | None:
            data: dict[str, Any] | None = super().get_request_data(request, api, path_params)
            if data is not None:
                _check(data[name], objects, allows_null, location=("body", name))
            return data

    CheckedBody.__name__ = model.__name__
    CheckedBody.__qualname__ = model.__qualname__
    return CheckedBody


def _check(
    value: Any, objects: list[type[BaseModel]], allows_null: bool, *, location: tuple[str, ...]
) -> None:
    if value is None and allows_null:
        return
    if not isinstance(value, dict):
        raise ValidationError(
            [{"loc": location, "msg": "Input should be a JSON object.", "type": "dict_type"}]
        )
    errors = []
    for name, item in value.items():
        problem = _json_type_problem(objects, name, item)
        if problem:
            errors.append({"loc": (*location, name), "msg": problem, "type": "json_type"})
    if errors:
        raise ValidationError(errors)


def _json_type_problem(objects: list[type[BaseModel]], name: str, value: Any) -> str | None:
    """Pydantic's lax mode reads `false` as 0 and `0` as false; JSON tells them apart."""
    for schema in objects:
        field = schema.model_fields.get(name)
        if field is None:
            continue
        annotation = field.annotation
        union = get_origin(annotation) in (Union, types.UnionType)
        members = set(get_args(annotation) if union else (annotation,))
        if isinstance(value, bool) and members & {int, float} and bool not in members:
            return "Input should be a number, not true or false."
        if (
            not isinstance(value, bool)
            and value is not None
            and bool in members
            and members <= {bool, type(None)}
        ):
            return "Input should be true or false."
    return None
