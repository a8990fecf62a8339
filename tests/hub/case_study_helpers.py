"""Helpers of the case-study tests: a case study with its structure, and the service's
arguments with nothing in them."""

from typing import Any

from cslab.hub.models import CaseStudy, Resource
from cslab.hub.vocabulary import ResourceKind
from tests.hub.factories import make_resource


def make_case_study(**fields: Any) -> Resource:
    """A case-study resource with an empty structure (as `resource_create` makes it)."""
    resource = make_resource(kind=ResourceKind.CASE_STUDY, **fields)
    CaseStudy.objects.create(resource=resource)
    return resource


def nothing(**overrides: Any) -> dict[str, Any]:
    """The keyword arguments of `case_study_update` for an empty structure, with overrides."""
    arguments: dict[str, Any] = {
        "context": "",
        "methods": "",
        "lessons": "",
        "period_start": None,
        "period_end": None,
        "place": "",
        "participant_groups": [],
        "people": [],
        "outputs": [],
        "impacts": [],
        "project_slugs": [],
    }
    arguments.update(overrides)
    return arguments
