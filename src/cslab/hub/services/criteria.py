"""The curators' quality checklist: Lab staff add, reword, reorder, retire and delete criteria.

A criterion a review has answered is never deleted (old reviews name it); it is retired instead.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.services.audit import audit_record
from cslab.hub.models import QualityCriterion, Review


def _save(criterion: QualityCriterion, fields: list[str] | None = None) -> None:
    try:
        criterion.full_clean(validate_unique=False)
    except ValidationError as error:
        raise InvalidInputError(
            _("The criterion has invalid values."), details=error.message_dict
        ) from None
    try:
        with transaction.atomic():
            criterion.save(update_fields=fields)
    except IntegrityError:
        raise ConflictError(
            _("A criterion with the code “%(code)s” exists already.") % {"code": criterion.code},
            details={"code": [_("Choose another code.")]},
        ) from None


@transaction.atomic
def criterion_create(
    *,
    actor: Actor,
    label: str,
    label_nl: str = "",
    help_text: str = "",
    code: str = "",
    position: int | None = None,
) -> QualityCriterion:
    """Add a criterion at the end of the checklist (or at `position`); the code comes from the
    English label unless given."""
    permissions.require(actor, "hub.criteria.manage")
    label = " ".join(label.split())
    code = slugify(code or label)[:60].strip("-")
    if not label or not code:
        raise InvalidInputError(
            _("Write the criterion."), details={"label": [_("This field is required.")]}
        )
    if position is None:
        last = QualityCriterion.objects.order_by("-position").values_list("position", flat=True)
        position = (last.first() or 0) + 1
    criterion = QualityCriterion(
        code=code,
        label=label,
        label_nl=" ".join(label_nl.split()),
        help_text=help_text.strip(),
        position=position,
    )
    _save(criterion)
    audit_record(
        actor=actor, action="hub.criteria.create", target=criterion, details={"code": code}
    )
    return criterion


@transaction.atomic
def criterion_update(
    *,
    actor: Actor,
    criterion: QualityCriterion,
    label: str,
    label_nl: str = "",
    help_text: str = "",
    position: int | None = None,
) -> QualityCriterion:
    """Reword or move a criterion; its code (what old reviews refer to) stays."""
    permissions.require(actor, "hub.criteria.manage", criterion)
    before = {
        "label": criterion.label,
        "label_nl": criterion.label_nl,
        "position": criterion.position,
    }
    criterion.label = " ".join(label.split())
    criterion.label_nl = " ".join(label_nl.split())
    criterion.help_text = help_text.strip()
    if position is not None:
        criterion.position = position
    _save(criterion, ["label", "label_nl", "help_text", "position"])
    audit_record(
        actor=actor,
        action="hub.criteria.update",
        target=criterion,
        details={"before": before, "label": criterion.label, "position": criterion.position},
    )
    return criterion


@transaction.atomic
def criterion_deactivate(
    *, actor: Actor, criterion: QualityCriterion, active: bool = False
) -> QualityCriterion:
    """Retire a criterion from the checklist (or, with `active=True`, use it again)."""
    permissions.require(actor, "hub.criteria.manage", criterion)
    if criterion.active != active:
        criterion.active = active
        _save(criterion, ["active"])
        action = "hub.criteria.activate" if active else "hub.criteria.deactivate"
        audit_record(actor=actor, action=action, target=criterion, details={"code": criterion.code})
    return criterion


def criterion_is_used(criterion: QualityCriterion) -> bool:
    """Whether a review has answered this criterion."""
    return Review.objects.filter(criteria__has_key=criterion.code).exists()


@transaction.atomic
def criterion_delete(*, actor: Actor, criterion: QualityCriterion) -> None:
    """Delete a criterion no review has answered yet; a used one can only be retired."""
    permissions.require(actor, "hub.criteria.manage", criterion)
    if criterion_is_used(criterion):
        raise ConflictError(
            _("Reviews have answered “%(label)s”: retire it instead of deleting it.")
            % {"label": criterion.label}
        )
    audit_record(
        actor=actor,
        action="hub.criteria.delete",
        target=criterion,
        details={"code": criterion.code, "label": criterion.label},
    )
    criterion.delete()
