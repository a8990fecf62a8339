"""Published versions of a resource: numbered 1, 2, 3, a snapshot of what readers see, and a
diff between any two (pure)."""

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError

from cslab.core.errors import ConflictError
from cslab.hub.models import (
    CaseStudy,
    CaseStudyImpact,
    CaseStudyPerson,
    Resource,
    ResourceLink,
    ResourceVersion,
)
from cslab.hub.services import versions as version_services
from cslab.hub.services.versions import resource_snapshot, version_record
from cslab.hub.versions import line_diff, version_diff
from cslab.hub.vocabulary import ResourceKind
from tests.hub.factories import make_resource

# ------------------------------------------------------------------------ pure diff


def test_short_fields_show_before_and_after_with_vocabulary_labels() -> None:
    changes = version_diff(
        {"title": "Old", "kind": "tool", "licence": "CC-BY-4.0"},
        {"title": "New", "kind": "method_card", "licence": "CC-BY-4.0"},
    )
    assert [(c.name, c.kind, str(c.before), str(c.after)) for c in changes] == [
        ("title", "value", "Old", "New"),
        ("kind", "value", "Tool", "Method card"),
    ]


def test_long_text_is_compared_line_by_line_with_context() -> None:
    old = "\n".join(f"line {n}" for n in range(20))
    new = old.replace("line 10", "line ten")
    (change,) = version_diff({"body": old}, {"body": new})
    assert change.kind == "text"
    kinds = [(line.kind, line.text) for line in change.lines]
    assert ("removed", "line 10") in kinds
    assert ("added", "line ten") in kinds
    assert ("same", "line 8") in kinds
    assert ("same", "line 2") not in kinds  # far from the change: left out
    assert kinds[0] == ("gap", "")


def test_lists_say_what_was_added_and_removed() -> None:
    (change,) = version_diff({"faculty": ["law", "science"]}, {"faculty": ["science", "medicine"]})
    assert change.kind == "list"
    assert change.added == ["medicine"]
    assert change.removed == ["law"]


def test_equal_or_both_empty_fields_are_not_changes() -> None:
    assert version_diff({"title": "A", "department": ""}, {"title": "A"}) == []


def test_a_field_only_one_version_has_is_a_change() -> None:
    (change,) = version_diff({}, {"case_study_place": "Leiden"})
    assert (change.before, change.after) == (None, "Leiden")


def test_line_diff_of_identical_text_is_empty() -> None:
    assert line_diff("a\nb", "a\nb") == []


# ------------------------------------------------------------------ snapshots (DB)


@pytest.mark.django_db
def test_a_snapshot_holds_what_a_reader_sees() -> None:
    resource = make_resource(
        title="Bat walks",
        tags={"faculty": ["science"], "keyword": ["bats", "night"]},
        authors=["Ada", "Ben"],
        body="Walk at dusk.",
    )
    ResourceLink.objects.create(resource=resource, title="Map", url="https://example.org/m")
    content = resource_snapshot(resource)
    assert content["title"] == "Bat walks"
    assert content["body"] == "Walk at dusk."
    assert content["faculty"] == ["science"]
    assert content["keyword"] == ["bats", "night"]
    assert content["authors"] == ["Ada", "Ben"]
    assert content["links"] == ["Map <https://example.org/m>"]
    assert "case_study_context" not in content


@pytest.mark.django_db
def test_a_case_study_snapshot_holds_its_structure() -> None:
    resource = make_resource(kind=ResourceKind.CASE_STUDY)
    case_study = CaseStudy.objects.create(
        resource=resource,
        context="Town ponds.",
        lessons="Start small.",
        period_start=date(2025, 3, 1),
        period_end=date(2025, 9, 30),
        place="Leiden",
    )
    CaseStudyPerson.objects.create(case_study=case_study, name="Dr. Vos", role="lead")
    CaseStudyImpact.objects.create(
        case_study=case_study,
        kind="policy",
        description="New pond rules.",
        evidence=[{"title": "Council", "url": "https://example.org/c"}],
    )
    content = resource_snapshot(resource)
    assert content["case_study_context"] == "Town ponds."
    assert content["case_study_period"] == "2025-03-01 – 2025-09-30"
    assert content["case_study_people"] == ["Dr. Vos (lead)"]
    assert content["case_study_impacts"] == ["policy: New pond rules. <https://example.org/c>"]


@pytest.mark.django_db
def test_versions_are_numbered_one_two_three_and_differ_by_what_changed(staff: Any) -> None:
    resource = make_resource(status=Resource.Status.SUBMITTED, body="One.\nTwo.")
    first = version_record(actor=staff, resource=resource)
    Resource.objects.filter(pk=resource.pk).update(title="Renamed")
    second = version_record(actor=staff, resource=resource, change_note="New title")
    Resource.objects.filter(pk=resource.pk).update(body="One.\nThree.")
    third = version_record(actor=staff, resource=resource)
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert Resource.objects.get(pk=resource.pk).version == 3 == resource.version
    assert second.change_note == "New title"
    assert [c.name for c in version_diff(first.content, second.content)] == ["title"]
    assert [c.name for c in version_diff(second.content, third.content)] == ["body"]
    assert [c.name for c in version_diff(first.content, third.content)] == ["title", "body"]


@pytest.mark.django_db
def test_a_number_taken_meanwhile_is_retried_once_then_a_conflict(
    staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    resource = make_resource(status=Resource.Status.SUBMITTED)
    calls = {"count": 0}
    real_save = ResourceVersion.save

    def racing_save(self: ResourceVersion, *args: Any, **kwargs: Any) -> None:
        calls["count"] += 1
        if calls["count"] == 1:
            raise IntegrityError("taken")
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(ResourceVersion, "save", racing_save)
    assert version_record(actor=staff, resource=resource).number == 1

    def always_taken(self: ResourceVersion, *args: Any, **kwargs: Any) -> None:
        raise IntegrityError("taken")

    monkeypatch.setattr(ResourceVersion, "save", always_taken)
    with pytest.raises(ConflictError):
        version_services.version_record(actor=staff, resource=resource)
