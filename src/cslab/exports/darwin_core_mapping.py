"""A form's Darwin Core mapping as the project's team sets it: read, checked and saved."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction

from cslab.core.actors import Actor, person_or_none
from cslab.core.permissions import require
from cslab.core.services.audit import audit_record
from cslab.exports import darwin_core
from cslab.exports.columns import Column
from cslab.exports.models import DarwinCoreMapping
from cslab.exports.selectors import export_plan
from cslab.forms.models import Form
from cslab.projects.models import Project

SCIENTIFIC_NAME = "scientificName"


def darwin_core_mapping_stored(*, form: Form) -> dict[str, str]:
    """The terms the team chose for `form` (term -> question; "" leaves a default out)."""
    stored = DarwinCoreMapping.objects.filter(form=form).values_list("questions", flat=True).first()
    return dict(stored or {})


def darwin_core_mapping_for_editing(
    *, user: Actor, project: Project, form_id: str
) -> tuple[Form, dict[str, str], list[Column]]:
    """The form, its effective mapping (defaults with the team's choices) and the questions a
    term may take; PermissionDeniedError/NotFoundError for those who may not edit it."""
    require(user, "exports.darwin_core.edit", project)
    plan = export_plan(user=user, project=project, form_id=form_id, public=False)
    stored = darwin_core_mapping_stored(form=plan.form)
    effective = darwin_core.darwin_core_mapping(plan.tables, _still_valid(plan.tables, stored))
    questions = [
        column
        for column in plan.tables.columns
        if column.question == column.name and column.reads == "value"
    ]
    return plan.form, dict(effective.questions), questions


def _still_valid(tables: object, stored: Mapping[str, str]) -> dict[str, str]:
    """The stored choices whose question the form still has (a newer version may have dropped
    one); the rest fall back to the defaults instead of failing every export."""
    names = {column.name for column in getattr(tables, "columns", [])}
    return {
        term: question
        for term, question in stored.items()
        if term in darwin_core.MAPPABLE_TERMS and (not question or question in names)
    }


def darwin_core_mapping_effective(*, tables: object, form: Form) -> dict[str, str]:
    """The stored choices an export applies (those still valid for the form's tables)."""
    return _still_valid(tables, darwin_core_mapping_stored(form=form))


def darwin_core_mapping_save(
    *, actor: Actor, project: Project, form_id: str, questions: Mapping[str, str]
) -> DarwinCoreMapping:
    """Save the team's choice of question per term (every mappable term; "" = not mapped).

    InvalidInputError (with details per term) for an unknown term or a question that is not a
    plain answer of the form; nothing is stored then.
    """
    require(actor, "exports.darwin_core.edit", project)
    plan = export_plan(user=actor, project=project, form_id=form_id, public=False)
    chosen = {term: str(question or "") for term, question in questions.items()}
    darwin_core.darwin_core_mapping(plan.tables, chosen)  # raises on a bad term or question
    defaults = {"questions": chosen, "updated_by": person_or_none(actor)}
    try:
        with transaction.atomic():
            mapping, _created = DarwinCoreMapping.objects.update_or_create(
                form=plan.form, defaults=defaults
            )
    except IntegrityError:
        # Two saves at once: the form's one row (a database constraint) exists now; update it.
        mapping = DarwinCoreMapping.objects.get(form=plan.form)
        DarwinCoreMapping.objects.filter(pk=mapping.pk).update(**defaults)
        mapping.refresh_from_db()
    audit_record(
        actor=actor,
        action="exports.darwin_core_mapping.saved",
        target=project,
        details={"form": plan.form.form_id, "questions": chosen},
    )
    return mapping


def darwin_core_forms_without_scientific_name(
    *, user: Actor, project: Project, forms: Iterable[Form]
) -> list[Form]:
    """The forms whose Darwin Core archive would have no scientificName, which GBIF needs: no
    question with a name that suggests it and none chosen by the team. Their archives are
    still written (a team may map one later, or publish elsewhere); the pages warn."""
    missing = []
    for form in forms:
        plan = export_plan(user=user, project=project, form_id=form.form_id, public=False)
        mapping = darwin_core.darwin_core_mapping(
            plan.tables, darwin_core_mapping_effective(tables=plan.tables, form=form)
        )
        if SCIENTIFIC_NAME not in mapping.questions:
            missing.append(form)
    return missing
