"""The permission engine, on plain objects: rules, owners, project roles, hidden refusals."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from cslab.core import permissions
from cslab.core.errors import NotAuthenticatedError, NotFoundError, PermissionDeniedError
from cslab.core.permissions import PermissionRegistry, Rule
from cslab.core.roles import ProjectRole, SiteRole


@dataclass
class Person:
    pk: int
    site_role: SiteRole = SiteRole.VOLUNTEER
    is_superuser: bool = False
    is_authenticated: bool = True


@dataclass
class Thing:
    owner_id: int
    team: dict[int, ProjectRole]
    public: bool = False

    def project_role_for(self, user: Any) -> ProjectRole | None:
        return self.team.get(user.pk)


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> PermissionRegistry:
    registry = PermissionRegistry()
    monkeypatch.setattr(permissions, "registry", registry)
    registry.register(
        "thing.edit",
        Rule(
            site_roles=frozenset({SiteRole.STAFF}),
            project_roles=frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER}),
            owner_attribute="owner_id",
        ),
    )
    registry.register("thing.view", Rule(predicate=lambda user, thing: thing.public, hidden=True))
    registry.register("thing.flag", Rule(any_signed_in=True, hidden=False))
    return registry


def test_owner_may_act_on_their_own_object(rules: PermissionRegistry) -> None:
    assert permissions.has_permission(Person(pk=1), "thing.edit", Thing(owner_id=1, team={}))


def test_project_role_in_the_rule_grants_the_action(rules: PermissionRegistry) -> None:
    thing = Thing(owner_id=9, team={2: ProjectRole.RESEARCHER, 3: ProjectRole.MEMBER})
    assert permissions.has_permission(Person(pk=2), "thing.edit", thing)
    assert not permissions.has_permission(Person(pk=3), "thing.edit", thing)


def test_site_role_in_the_rule_grants_the_action(rules: PermissionRegistry) -> None:
    thing = Thing(owner_id=9, team={})
    assert permissions.has_permission(Person(pk=4, site_role=SiteRole.STAFF), "thing.edit", thing)
    assert not permissions.has_permission(
        Person(pk=5, site_role=SiteRole.TRAINER), "thing.edit", thing
    )


def test_superuser_may_do_everything_a_rule_names(rules: PermissionRegistry) -> None:
    assert permissions.has_permission(Person(pk=6, is_superuser=True), "thing.edit", Thing(9, {}))


def test_predicate_grants_to_anonymous_visitors_too(rules: PermissionRegistry) -> None:
    assert permissions.has_permission(AnonymousUser(), "thing.view", Thing(9, {}, public=True))
    assert not permissions.has_permission(AnonymousUser(), "thing.view", Thing(9, {}, public=False))


def test_refusal_of_a_hidden_rule_looks_like_not_found(rules: PermissionRegistry) -> None:
    with pytest.raises(NotFoundError):
        permissions.require(Person(pk=7), "thing.edit", Thing(owner_id=9, team={}))


def test_refusal_of_a_visible_rule_says_sign_in_or_denied(rules: PermissionRegistry) -> None:
    with pytest.raises(NotAuthenticatedError):
        permissions.require(AnonymousUser(), "thing.flag")
    rules.register("thing.delete", Rule(site_roles=frozenset({SiteRole.STAFF}), hidden=False))
    with pytest.raises(PermissionDeniedError):
        permissions.require(Person(pk=8), "thing.delete")


def test_unknown_permission_name_is_a_programming_error(rules: PermissionRegistry) -> None:
    with pytest.raises(KeyError, match="unknown permission"):
        permissions.has_permission(Person(pk=1), "thing.unknown")


def test_registering_another_rule_under_a_taken_name_is_refused(rules: PermissionRegistry) -> None:
    with pytest.raises(ValueError, match="already registered"):
        rules.register("thing.flag", Rule(anyone=True))


def test_anonymous_visitor_is_neither_staff_nor_has_a_site_role() -> None:
    assert permissions.site_role_of(AnonymousUser()) is None
    assert not permissions.is_staff(AnonymousUser())
    assert permissions.is_staff(Person(pk=1, site_role=SiteRole.STAFF))
