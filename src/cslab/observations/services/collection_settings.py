"""A project's collection settings: default geoprivacy, review policy, sensitive categories.

Changing them is for the project's owners and researchers and Lab staff (rule
"collection.configure"), and audited. Adding or changing a sensitive category re-obscures the
project's stored observations that match it in the same transaction, so there is no moment in
which a newly sensitive observation is public; removing one re-opens only what the observer
chose to be open.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.observations import map_counts
from cslab.observations.models import CollectionSettings, Observation, SensitiveCategory
from cslab.projects.models import Project

MAX_SENSITIVE_VALUES = 1000
UNSET: Any = object()


def collection_settings_of(project: Project) -> CollectionSettings:
    """The project's settings; an unsaved row with the defaults when it has none."""
    found = CollectionSettings.objects.filter(project=project).first()
    return found if found is not None else CollectionSettings(project=project)


def collection_settings_get(*, user: Actor, project: Project) -> CollectionSettings:
    """The settings, for whoever may see the project."""
    permissions.require(user, "project.view", project)
    return collection_settings_of(project)


@transaction.atomic
def collection_settings_update(
    *,
    actor: Actor,
    project: Project,
    default_geoprivacy: str = UNSET,
    accept_without_review: bool = UNSET,
) -> CollectionSettings:
    """Change the default geoprivacy of new observations and whether they start accepted.

    Existing observations keep their geoprivacy: the default applies to what is submitted next.
    """
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "collection.configure", project)
    settings, _created = CollectionSettings.objects.select_for_update().get_or_create(
        project=project
    )
    before = {
        "default_geoprivacy": settings.default_geoprivacy,
        "accept_without_review": settings.accept_without_review,
    }
    if default_geoprivacy is not UNSET:
        if default_geoprivacy not in Observation.Geoprivacy.values:
            raise InvalidInputError(
                _("Choose open, obscured or private."),
                code=ProblemCode.INVALID_GEOPRIVACY,
                details={"default_geoprivacy": [_("Choose open, obscured or private.")]},
            )
        settings.default_geoprivacy = default_geoprivacy
    if accept_without_review is not UNSET:
        settings.accept_without_review = bool(accept_without_review)
    settings.full_clean()
    settings.save()
    after = {
        "default_geoprivacy": settings.default_geoprivacy,
        "accept_without_review": settings.accept_without_review,
    }
    audit_record(
        actor=actor,
        action="collection.settings_changed",
        target=project,
        details={"before": before, "after": after},
    )
    return settings


def sensitive_category_list(*, user: Actor, project: Project) -> list[SensitiveCategory]:
    """The project's sensitive categories, for its team and Lab staff (they say what is
    protected, which is itself a hint for finding it)."""
    permissions.require(user, "project.view", project)
    permissions.require(user, "observation.view_all", project)
    return list(SensitiveCategory.objects.filter(project=project).order_by("question"))


def _clean_values(values: Iterable[Any]) -> list[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidInputError(
            _("Give the sensitive answers as a list."),
            code=ProblemCode.INVALID_SENSITIVE_CATEGORY,
            details={"values": [_("Give a list of answers (empty: any answer).")]},
        )
    cleaned = sorted({str(value).strip() for value in values if str(value).strip()})
    if len(cleaned) > MAX_SENSITIVE_VALUES or any(len(value) > 200 for value in cleaned):
        raise InvalidInputError(
            _("Give at most 1000 answers of at most 200 characters each."),
            code=ProblemCode.INVALID_SENSITIVE_CATEGORY,
            details={"values": [_("Give at most 1000 answers of at most 200 characters each.")]},
        )
    return cleaned


@transaction.atomic
def sensitive_category_set(
    *, actor: Actor, project: Project, question: str, values: Iterable[Any], label: str = ""
) -> SensitiveCategory:
    """Mark answers of a question as sensitive (empty `values`: any answer to it), and obscure
    the stored observations that now match."""
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "collection.configure", project)
    question = str(question or "").strip()
    if not question or len(question) > 100:
        raise InvalidInputError(
            _("Name the question."),
            code=ProblemCode.INVALID_SENSITIVE_CATEGORY,
            details={"question": [_("Give a question name of 1 to 100 characters.")]},
        )
    cleaned = _clean_values(values)
    category, created = SensitiveCategory.objects.get_or_create(
        project=project,
        question=question,
        defaults={"values": cleaned, "label": label[:200], "created_by": _person(actor)},
    )
    if not created:
        category.values = cleaned
        category.label = label[:200]
    category.full_clean()
    category.save()
    changed = project_geoprivacy_recompute(project=project)
    audit_record(
        actor=actor,
        action="collection.sensitive_category_set",
        target=project,
        details={"question": question, "values": cleaned, "observations_changed": changed},
    )
    return category


@transaction.atomic
def sensitive_category_remove(*, actor: Actor, project: Project, question: str) -> None:
    """Stop treating a question's answers as sensitive; observations the category forced to be
    obscured go back to what their observer chose."""
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "collection.configure", project)
    category = SensitiveCategory.objects.filter(project=project, question=question).first()
    if category is None:
        raise NotFoundError()
    category.delete()
    changed = project_geoprivacy_recompute(project=project)
    audit_record(
        actor=actor,
        action="collection.sensitive_category_removed",
        target=project,
        details={"question": question, "observations_changed": changed},
    )


def _person(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def project_geoprivacy_recompute(*, project: Project) -> int:
    """Recompute which observations of the project are forced obscured and their public
    fields; return how many changed. Runs in the caller's transaction."""
    # Here, not at the top: observations imports this module's settings readers (a cycle).
    from cslab.observations.services.observations import observation_apply_geoprivacy

    categories = sensitive_categories_of(project)
    changed = 0
    # The public cells of current versions move on the map: counted in memory, written once.
    replaced = set(
        Observation.objects.filter(project=project, deprecates__isnull=False).values_list(
            "deprecates_id", flat=True
        )
    )
    counts = map_counts.CountChange()
    for observation in (
        Observation.objects.select_for_update()
        .filter(project=project)
        .select_related("form")
        .order_by("id")
        .iterator(chunk_size=500)
    ):
        forced = answers_are_sensitive(observation.answers, categories)
        current = observation.pk not in replaced
        if current:
            counts.remove(observation)
        if observation_apply_geoprivacy(
            observation, level=observation.geoprivacy, forced=forced, save=True
        ):
            changed += 1
        if current:
            counts.add(observation)
    counts.save()
    return changed


def sensitive_categories_of(project: Project) -> list[tuple[str, frozenset[str]]]:
    return [
        (question, frozenset(str(value) for value in values or []))
        for question, values in SensitiveCategory.objects.filter(project=project).values_list(
            "question", "values"
        )
    ]


def _answer_words(value: Any) -> set[str]:
    if isinstance(value, list):
        return {str(item) for item in value}
    if isinstance(value, str):
        return {value, *value.split()}
    return {str(value)}


def answers_are_sensitive(answers: Any, categories: list[tuple[str, frozenset[str]]]) -> bool:
    """Does any answer (at any depth, repeats included) fall in a sensitive category?"""
    if not categories:
        return False
    wanted = dict(categories)

    def walk(level: Any) -> bool:
        if isinstance(level, list):
            return any(walk(item) for item in level)
        if not isinstance(level, dict):
            return False
        for name, value in level.items():
            if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
                if walk(value):
                    return True
                continue
            if name in wanted and value not in (None, "", []):
                values = wanted[name]
                if not values or _answer_words(value) & values:
                    return True
        return False

    return walk(answers)
