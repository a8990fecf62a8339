"""Site roles and project roles: the vocabulary the permission module decides with."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteRole(models.TextChoices):
    """A person's role in the Lab as a whole; superuser is Django's own flag on top of these."""

    VOLUNTEER = "volunteer", _("Volunteer")
    TRAINER = "trainer", _("Trainer")
    STAFF = "staff", _("Lab staff / curator")


class ProjectRole(models.TextChoices):
    """A person's role in one project's team."""

    OWNER = "owner", _("Owner")
    RESEARCHER = "researcher", _("Researcher")
    MODERATOR = "moderator", _("Moderator")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")


TEAM_ROLES = frozenset(ProjectRole)
