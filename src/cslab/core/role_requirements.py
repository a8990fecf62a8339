"""What a person must do before taking a role in a project's team.

A project may ask, for example, that moderators complete the training module "Data quality and
moderation" first. `projects` decides who joins and with which role, but sits below `training`,
which knows the modules and who completed them; so `training` registers a function here and the
team services and pages of `projects` ask this registry.

`register_role_requirements(name, function)`: `function(project, user, role)` returns the
`Requirement`s for that role in that project, each saying whether the user meets it
(`user` may be anonymous: every requirement is then unmet).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Requirement:
    """One thing to do first, e.g. the module "Data quality and moderation" and its page."""

    label: str
    url: str
    met: bool


RequirementFunction = Callable[[Any, Any, str], list[Requirement]]

_functions: dict[str, RequirementFunction] = {}


def register_role_requirements(name: str, function: RequirementFunction) -> None:
    # Keyed by name so that importing a registration module twice registers it once.
    _functions[name] = function


def role_requirements(project: Any, user: Any, role: str) -> list[Requirement]:
    """Every requirement of this role in this project, met or not, for this user."""
    requirements: list[Requirement] = []
    for function in _functions.values():
        requirements.extend(function(project, user, role))
    return requirements


def unmet_role_requirements(project: Any, user: Any, role: str) -> list[Requirement]:
    """The requirements this user still has to meet before taking the role."""
    return [item for item in role_requirements(project, user, role) if not item.met]
