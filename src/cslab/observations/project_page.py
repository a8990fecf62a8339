"""What the observations area adds to a project's page, to project cards and to the home page:
observations and the people behind them, and a "Contribute" action per form the viewer may fill.

A participant is an observer (a person) or an OpenRosa app user (a device whose observations
have no observer): a phone handed round a school class counts once, as the device it is.

The project page counts what `selectors.observation_list_visible` shows the viewer. Cards and
the Lab's figures are shown to everyone, so they count only listed projects' observations in
the statuses anyone may see (`selectors.PUBLIC_STATUSES`), current versions only.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from cslab.core import permissions, project_page
from cslab.core.actors import Actor
from cslab.core.project_page import (
    ActionKind,
    Facts,
    Figure,
    Link,
    ProjectPart,
    TakePartAction,
)
from cslab.observations import selectors
from cslab.observations.models import Observation
from cslab.projects.models import Project
from cslab.projects.selectors import project_list_listed

# The device behind an observation without an observer (`openrosa.AppUserSubmission`).
DEVICE = "app_user_submission__app_user_id"
ORDER = 10


def _participant_key(observer_id: int | None, device_id: int | None) -> str | None:
    if observer_id is not None:
        return f"user:{observer_id}"
    if device_id is not None:
        return f"device:{device_id}"
    return None


def _participants(rows: Iterable[tuple[Any, ...]]) -> set[str]:
    keys = (_participant_key(observer_id, device_id) for observer_id, device_id in rows)
    return {key for key in keys if key is not None}


def _observations_figure(number: int) -> Figure:
    return Figure("observations", _("Observations"), number, order=ORDER)


def project_part(project: Project, viewer: Actor) -> ProjectPart:
    visible = selectors.observation_list_visible(user=viewer, project=project).order_by()
    count = visible.count()
    participants = _participants(visible.values_list("observer_id", DEVICE).distinct())
    part = ProjectPart(figures=[_observations_figure(count)], participants=participants)
    if permissions.has_permission(viewer, "observation.submit", project):
        # A project has a handful of forms: those with a published version may be filled in.
        forms = [
            (form.form_id, form.title)
            for form in selectors.form_list_for_project(user=viewer, project=project)
            if getattr(form, "last_published_at", None) is not None
        ]
        for form_id, title in forms:
            label = (
                _("Contribute an observation")
                if len(forms) == 1
                else _("Contribute: %(form)s") % {"form": title}
            )
            url = reverse("webform_fill", kwargs={"slug": project.slug, "form_id": form_id})
            part.actions.append(TakePartAction(label, url, ActionKind.CONTRIBUTE))
    slug = {"slug": project.slug}
    part.links = [
        Link(_("Map of observations"), reverse("observation_map", kwargs=slug)),
        Link(_("Table of observations"), reverse("observation_table", kwargs=slug)),
        Link(_("Photo gallery"), reverse("observation_gallery", kwargs=slug)),
        Link(_("Forms"), reverse("form_list", kwargs=slug)),
    ]
    return part


def _public(scope: Q) -> QuerySet[Observation]:
    """The current versions of the observations in `scope` in a status anyone may see."""
    edited = Observation.objects.filter(scope, deprecates__isnull=False).values("deprecates_id")
    return (
        Observation.objects.filter(scope, status__in=selectors.PUBLIC_STATUSES)
        .exclude(pk__in=edited)
        .order_by()
    )


def card_facts(project_ids: list[int]) -> dict[int, Facts]:
    public = _public(Q(project_id__in=project_ids))
    facts = {project_id: Facts() for project_id in project_ids}
    totals = public.values("project_id").annotate(count=Count("pk"), last=Max("created_at"))
    for row in totals:
        facts[row["project_id"]].figures.append(_observations_figure(row["count"]))
        facts[row["project_id"]].last_active_at = row["last"]
    for project_id, observer_id, device_id in public.values_list(
        "project_id", "observer_id", DEVICE
    ).distinct():
        key = _participant_key(observer_id, device_id)
        if key is not None:
            facts[project_id].participants.add(key)
    for project_facts in facts.values():
        if not project_facts.figures:
            project_facts.figures.append(_observations_figure(0))
    return facts


def lab_facts() -> Facts:
    public = _public(Q(project__in=project_list_listed().values("pk")))
    return Facts(
        figures=[_observations_figure(public.count())],
        participants=_participants(public.values_list("observer_id", DEVICE).distinct()),
    )


project_page.register_project_part("observations", project_part)
project_page.register_card_figures("observations", card_facts)
project_page.register_lab_figures("observations", lab_facts)
