"""The one permission module: every view, API endpoint, export and service asks it.

A permission is a named rule. A rule grants an action to site roles, to project roles (when the
target belongs to a project), to the target's owner, and optionally through a predicate on the
target. `require` turns a refusal into the right domain error: `NotFoundError` when the user may
not even know the target exists (the default), `PermissionDeniedError` when the target is
visible and only the action is refused, `NotAuthenticatedError` for an anonymous visitor where
signing in could help. Areas register their rules when their app loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from django.utils.translation import gettext as _

from cslab.core.actors import Actor
from cslab.core.errors import NotAuthenticatedError, NotFoundError, PermissionDeniedError
from cslab.core.roles import ProjectRole, SiteRole


@runtime_checkable
class ProjectScoped(Protocol):
    """A target that belongs to a project and can tell a user's role in it."""

    def project_role_for(self, user: Actor) -> ProjectRole | None: ...


Predicate = Callable[[Actor, Any], bool]


@dataclass(frozen=True)
class Rule:
    """Who may perform one action.

    `owner_attribute` names the target attribute holding its owner's user id.
    `predicate` is one more grant, asked for every visitor, anonymous ones included
    (a public profile, a public project).
    `hidden` makes a refusal answer as if the target did not exist.
    """

    site_roles: frozenset[SiteRole] = frozenset()
    project_roles: frozenset[ProjectRole] = frozenset()
    owner_attribute: str | None = None
    anyone: bool = False
    any_signed_in: bool = False
    predicate: Predicate | None = None
    hidden: bool = True
    description: str = ""


@dataclass
class PermissionRegistry:
    rules: dict[str, Rule] = field(default_factory=dict)

    def register(self, name: str, rule: Rule) -> None:
        if name in self.rules and self.rules[name] != rule:
            raise ValueError(f"permission {name!r} is already registered with another rule")
        self.rules[name] = rule

    def rule(self, name: str) -> Rule:
        try:
            return self.rules[name]
        except KeyError:
            raise KeyError(f"unknown permission {name!r}; register it first") from None


registry = PermissionRegistry()


def register(name: str, rule: Rule) -> None:
    """Register the rule for a permission name such as `audit.browse`."""
    registry.register(name, rule)


def site_role_of(user: Actor) -> SiteRole | None:
    """Return the user's site role, or None for an anonymous visitor."""
    if not user.is_authenticated:
        return None
    return SiteRole(getattr(user, "site_role", SiteRole.VOLUNTEER))


def is_staff(user: Actor) -> bool:
    """Return True for Lab staff/curators and superusers."""
    return bool(
        user.is_authenticated and (user.is_superuser or site_role_of(user) == SiteRole.STAFF)
    )


def has_permission(user: Actor, name: str, target: Any = None) -> bool:
    """Return True if the user may perform the named action on the target."""
    rule = registry.rule(name)
    if rule.anyone or (rule.predicate is not None and rule.predicate(user, target)):
        return True
    if not user.is_authenticated:
        return False
    return bool(
        user.is_superuser
        or rule.any_signed_in
        or site_role_of(user) in rule.site_roles
        or _is_owner(user, rule, target)
        or _has_project_role(user, rule, target)
    )


def require(user: Actor, name: str, target: Any = None) -> None:
    """Raise the domain error that fits if the user may not perform the named action."""
    if has_permission(user, name, target):
        return
    rule = registry.rule(name)
    if rule.hidden:
        raise NotFoundError()
    if not user.is_authenticated:
        raise NotAuthenticatedError()
    raise PermissionDeniedError(_("You may not do this."))


def _is_owner(user: Actor, rule: Rule, target: Any) -> bool:
    if rule.owner_attribute is None or target is None:
        return False
    owner_id = getattr(target, rule.owner_attribute, None)
    return owner_id is not None and owner_id == user.pk


def _has_project_role(user: Actor, rule: Rule, target: Any) -> bool:
    if not rule.project_roles or not isinstance(target, ProjectScoped):
        return False
    return target.project_role_for(user) in rule.project_roles
