"""The problem codes are one vocabulary: one table, one status per code in each protocol,
documented once, and raised only as enum members with the error class of their kind."""

import ast
import json
import os
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from cslab.api import errors as api_errors
from cslab.api.api import api
from cslab.core import errors, middleware
from cslab.core.problems import ProblemCode, problems_markdown
from cslab.openrosa import views as openrosa_views

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "errors.md"
SOURCE = ROOT / "src" / "cslab"

CLASS_BY_STATUS: dict[HTTPStatus, type[errors.DomainError]] = {
    HTTPStatus.BAD_REQUEST: errors.InvalidInputError,
    HTTPStatus.UNAUTHORIZED: errors.NotAuthenticatedError,
    HTTPStatus.FORBIDDEN: errors.PermissionDeniedError,
    HTTPStatus.NOT_FOUND: errors.NotFoundError,
    HTTPStatus.CONFLICT: errors.ConflictError,
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: errors.PayloadTooLargeError,
}
DOMAIN_CODES = [code for code in ProblemCode if code.status in CLASS_BY_STATUS]
FRAMEWORK_CODES = [code for code in ProblemCode if code.status not in CLASS_BY_STATUS]


def _error_for(code: ProblemCode) -> errors.DomainError:
    return CLASS_BY_STATUS[code.status]("Something is wrong.", code=code)


def test_errors_document_lists_every_code_with_its_status_and_meaning() -> None:
    rendered = problems_markdown()
    if os.environ.get("UPDATE_ERRORS_DOC") == "1":
        DOC.write_text(rendered)
        # Comparing the file with what was just written proves nothing: say so instead of passing.
        pytest.skip("docs/errors.md regenerated: run again without UPDATE_ERRORS_DOC")
    assert DOC.read_text() == rendered, (
        "docs/errors.md differs from ProblemCode: regenerate it with UPDATE_ERRORS_DOC=1."
    )


def test_every_code_has_a_status_and_a_one_line_meaning() -> None:
    for code in ProblemCode:
        assert isinstance(code.status, HTTPStatus), code
        assert code.meaning and "\n" not in code.meaning, code
        assert code.value == code.name.lower(), code


def test_every_error_class_defaults_to_a_code_of_its_own_status() -> None:
    classes = [errors.DomainError, *CLASS_BY_STATUS.values(), errors.InvalidTransitionError]
    for error_class in classes:
        assert error_class.code.status == error_class.status, error_class


@pytest.mark.parametrize("code", DOMAIN_CODES, ids=str)
def test_every_domain_code_maps_to_its_one_status_in_each_protocol(code: ProblemCode) -> None:
    error = _error_for(code)
    request = RequestFactory().get("/api/v1/anything")
    response = api.on_exception(request, error)
    body = json.loads(response.content)
    assert response.status_code == code.status
    assert body["code"] == code.value
    assert body["type"] == f"urn:cslab:problem:{code.value}"
    assert api_errors.status_for(error) == code.status
    assert middleware.status_for(error) == code.status
    assert openrosa_views.status_for(error) == (code.openrosa_status or code.status)


@pytest.mark.parametrize("code", FRAMEWORK_CODES, ids=str)
def test_every_framework_code_maps_to_its_one_status(code: ProblemCode) -> None:
    request = RequestFactory().get("/api/v1/anything")
    response = api_errors.problem(request, code=code, detail="Something is wrong.")
    assert response.status_code == code.status
    assert json.loads(response.content)["code"] == code.value


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (ProblemCode.NOT_FOUND, HTTPStatus.NOT_FOUND),
        (ProblemCode.PERMISSION_DENIED, HTTPStatus.FORBIDDEN),
        (ProblemCode.EDIT_NOT_PERMITTED, HTTPStatus.FORBIDDEN),
        (ProblemCode.NOT_AUTHENTICATED, HTTPStatus.FOUND),
    ],
    ids=str,
)
def test_html_pages_answer_refusals_by_the_status_of_their_code(
    code: ProblemCode, expected: HTTPStatus
) -> None:
    request = RequestFactory().get("/projects/")
    SessionMiddleware(lambda request: None).process_request(request)  # type: ignore[arg-type,return-value]
    request.user = AnonymousUser()
    handler = middleware.DomainErrorMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    response = handler.process_exception(request, _error_for(code))
    assert response is not None
    assert response.status_code == expected


def test_html_pages_leave_other_domain_errors_to_the_view() -> None:
    request = RequestFactory().get("/projects/")
    handler = middleware.DomainErrorMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    assert handler.process_exception(request, _error_for(ProblemCode.INVALID_INPUT)) is None


def _python_sources() -> list[Path]:
    return [path for path in SOURCE.rglob("*.py") if "migrations" not in path.parts]


def _called_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def test_no_problem_code_is_given_as_a_literal_string() -> None:
    found = []
    for path in _python_sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                found += [
                    f"{path.relative_to(ROOT)}:{keyword.value.lineno}"
                    for keyword in node.keywords
                    if keyword.arg == "code"
                    and isinstance(keyword.value, ast.Constant)
                    and isinstance(keyword.value.value, str)
                ]
            if isinstance(node, ast.ClassDef) and node.name.endswith("Error"):
                found += [
                    f"{path.relative_to(ROOT)}:{statement.lineno}"
                    for statement in node.body
                    if isinstance(statement, ast.Assign)
                    and any(getattr(target, "id", "") == "code" for target in statement.targets)
                    and isinstance(statement.value, ast.Constant)
                ]
    assert found == [], "Give problem codes as ProblemCode members: " + ", ".join(found)


def test_every_raise_site_uses_the_error_class_of_its_codes_status() -> None:
    classes = {error_class.__name__: error_class for error_class in CLASS_BY_STATUS.values()}
    classes["ConflictError"] = errors.ConflictError
    classes["InvalidTransitionError"] = errors.InvalidTransitionError
    mismatched = []
    checked = 0
    for path in _python_sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _called_name(node) not in classes:
                continue
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg != "code" or not isinstance(value, ast.Attribute):
                    continue
                checked += 1
                code = ProblemCode[value.attr]
                if classes[_called_name(node)].status != code.status:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    mismatched.append(f"{where} raises {_called_name(node)} with {code.value}")
    assert checked > 80
    assert mismatched == []
