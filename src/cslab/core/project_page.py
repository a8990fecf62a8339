"""What each area adds to a project's page, to project cards and to the home page.

A project page leads with what a visitor came for: how to take part, live figures and the
progress of the work. Those come from several areas (forms and observations, classification,
questions), and `core` sits below all of them, so the areas register functions here from
their `project_page` registration module (see `CslabAppConfig.registration_modules`) and the
pages ask this registry. Each registered function reads through its area's selectors, which
apply the viewer's permissions.

* `register_project_part(name, function)`: `function(project, viewer)` returns a
  `ProjectPart`: figures, take-part actions and workflow progress for that viewer.
* `register_card_figures(name, function)`: `function(project_ids)` returns, per project, the
  `Facts` a card shows and when the project was last active. Cards list only listed
  projects, so these count what anyone may see.
* `register_lab_figures(name, function)`: `function()` returns `Facts` across the Lab's listed
  projects, the same for everyone.
* `register_incubation_guide(name, function)`: `function(project, viewer)` returns an
  `IncubationGuide`: per incubation-checklist item the links that help with it, and links
  suggested for the project as a whole (the hub's templates and resources; `projects` may not
  import `hub`, so the checklist page asks this registry).

"Participants" is one figure across areas: a person who both observes and classifies is one
participant. So each area gives the keys of its participants ("user:12", "device:3",
"session:…": an OpenRosa app user or an anonymous classifying session counts as one) and the
registry counts their union.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise


class ActionKind(StrEnum):
    """What a take-part action does; the page orders and words its buttons by it."""

    CONTRIBUTE = "contribute"
    CLASSIFY = "classify"
    JOIN = "join"
    SIGN_IN = "sign-in"


# The order in which a page offers actions: what the viewer can do right away first.
ACTION_ORDER = (ActionKind.CONTRIBUTE, ActionKind.CLASSIFY, ActionKind.JOIN, ActionKind.SIGN_IN)


@dataclass(frozen=True)
class Figure:
    """One live number, such as "Observations: 120". `order` places it among other areas'."""

    key: str
    label: Label
    number: int
    order: int = 50


@dataclass(frozen=True)
class TakePartAction:
    label: Label
    url: str
    kind: ActionKind


@dataclass(frozen=True)
class Link:
    label: Label
    url: str


@dataclass(frozen=True)
class LinkGroup:
    """A headed list of links on the project page; `more` counts the ones left out."""

    heading: Label
    links: list[Link]
    more: int = 0


@dataclass(frozen=True)
class WorkflowProgress:
    """How far one classification workflow is: subjects finished of all its subjects."""

    name: str
    url: str
    finished: int
    total: int
    active: bool = True

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 0


PARTICIPANTS = "participants"


@dataclass
class ProjectPart:
    figures: list[Figure] = field(default_factory=list)
    participants: set[str] = field(default_factory=set)
    actions: list[TakePartAction] = field(default_factory=list)
    workflows: list[WorkflowProgress] = field(default_factory=list)
    # Links to the area's pages about the project's data, for those who may open them.
    links: list[Link] = field(default_factory=list)
    # Headed lists of links, such as the hub resources the project uses.
    link_groups: list[LinkGroup] = field(default_factory=list)


@dataclass
class IncubationGuide:
    """Help for filling in the incubation checklist: links per checklist field (the names of
    `projects.lifecycle.checklist` items) and links suggested for the whole project."""

    item_links: dict[str, list[Link]] = field(default_factory=dict)
    suggestions: list[Link] = field(default_factory=list)


@dataclass
class Facts:
    """Figures of a project card, or of the whole Lab, with the participants behind them."""

    figures: list[Figure] = field(default_factory=list)
    participants: set[str] = field(default_factory=set)
    last_active_at: datetime | None = None


ProjectPartFunction = Callable[[Any, Any], ProjectPart]
CardFiguresFunction = Callable[[list[int]], dict[int, Facts]]
LabFiguresFunction = Callable[[], Facts]
IncubationGuideFunction = Callable[[Any, Any], IncubationGuide]

_project_parts: dict[str, ProjectPartFunction] = {}
_card_figures: dict[str, CardFiguresFunction] = {}
_lab_figures: dict[str, LabFiguresFunction] = {}
_incubation_guides: dict[str, IncubationGuideFunction] = {}


def register_project_part(name: str, function: ProjectPartFunction) -> None:
    # Keyed by name so that importing a registration module twice registers it once.
    _project_parts[name] = function


def register_card_figures(name: str, function: CardFiguresFunction) -> None:
    _card_figures[name] = function


def register_lab_figures(name: str, function: LabFiguresFunction) -> None:
    _lab_figures[name] = function


def register_incubation_guide(name: str, function: IncubationGuideFunction) -> None:
    _incubation_guides[name] = function


def _with_participants(figures: Iterable[Figure], participants: set[str]) -> list[Figure]:
    counted = [*figures, Figure(PARTICIPANTS, _("Participants"), len(participants), order=0)]
    return sorted(counted, key=lambda figure: figure.order)


def project_part(project: Any, viewer: Any) -> ProjectPart:
    """Every area's part of the project page for this viewer, merged."""
    merged = ProjectPart()
    for function in _project_parts.values():
        part = function(project, viewer)
        merged.figures.extend(part.figures)
        merged.participants |= part.participants
        merged.actions.extend(part.actions)
        merged.workflows.extend(part.workflows)
        merged.links.extend(part.links)
        merged.link_groups.extend(part.link_groups)
    merged.figures = _with_participants(merged.figures, merged.participants)
    merged.actions.sort(key=lambda action: ACTION_ORDER.index(action.kind))
    return merged


def card_facts(project_ids: list[int]) -> dict[int, Facts]:
    """Figures and last activity of each listed project, in a query or two per area."""
    facts = {project_id: Facts() for project_id in project_ids}
    if not project_ids:
        return facts
    for function in _card_figures.values():
        for project_id, area_facts in function(project_ids).items():
            merged = facts.setdefault(project_id, Facts())
            merged.figures.extend(area_facts.figures)
            merged.participants |= area_facts.participants
            if area_facts.last_active_at is not None and (
                merged.last_active_at is None or area_facts.last_active_at > merged.last_active_at
            ):
                merged.last_active_at = area_facts.last_active_at
    for merged in facts.values():
        merged.figures = _with_participants(merged.figures, merged.participants)
    return facts


def lab_figures() -> list[Figure]:
    """Figures across the Lab's listed projects, from every area."""
    figures: list[Figure] = []
    participants: set[str] = set()
    for function in _lab_figures.values():
        area_facts = function()
        figures.extend(area_facts.figures)
        participants |= area_facts.participants
    return _with_participants(figures, participants)


def incubation_guide(project: Any, viewer: Any) -> IncubationGuide:
    """Every area's help with the incubation checklist of this project, merged."""
    merged = IncubationGuide()
    for function in _incubation_guides.values():
        guide = function(project, viewer)
        for name, links in guide.item_links.items():
            merged.item_links.setdefault(name, []).extend(links)
        merged.suggestions.extend(guide.suggestions)
    return merged
