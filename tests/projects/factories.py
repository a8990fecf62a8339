"""Factories of the projects area: minimal defaults, each test states what matters to it.

`ProjectFactory()` is a private idea whose initiator (a new volunteer) is its owner.
- `ProjectFactory(public=True)`: an approved, active, public project (listed in the directory).
- `ProjectFactory(status="in_review")`, any status: `approved_at` is set for the statuses that
  come after review (the database requires it).
- `ProjectFactory(initiator=person)`: `person` becomes the owner;
  `ProjectFactory(initiator=None)`: no initiator and an empty team.
- `MembershipFactory(project=project, user=person, role="researcher")` adds someone to a team.
- `OrganisationFactory()` has no members; `OrganisationMemberFactory(organisation=o, user=u)`.

Rows are written directly (no audit events, no timeline rows): use the services
(`projects.services.projects.project_create`, ...) when a test needs those.
"""

from typing import Any

import factory
from django.utils import timezone

from cslab.core.roles import ProjectRole
from cslab.projects import lifecycle
from cslab.projects.models import Membership, Organisation, OrganisationMember, Project
from tests.factories import UserFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda number: f"Organisation {number}")
    slug = factory.Sequence(lambda number: f"organisation-{number}")
    kind = Organisation.Kind.COMMUNITY_GROUP


class OrganisationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMember

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationMember.Role.MEMBER


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    class Params:
        public = factory.Trait(status=Project.Status.ACTIVE, visibility=Project.Visibility.PUBLIC)

    name = factory.Sequence(lambda number: f"Project {number}")
    slug = factory.Sequence(lambda number: f"project-{number}")
    status = Project.Status.IDEA
    visibility = Project.Visibility.PRIVATE
    initiator = factory.SubFactory(UserFactory)
    approved_at = factory.LazyAttribute(
        lambda project: None if project.status in lifecycle.UNAPPROVED else timezone.now()
    )
    search_document = factory.LazyAttribute(lambda project: project.name.lower())

    @factory.post_generation
    def owner_membership(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Put the initiator on the team as owner."""
        if create and self.initiator is not None:
            Membership.objects.create(project=self, user=self.initiator, role=ProjectRole.OWNER)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = ProjectRole.MEMBER
