"""The actor an app user's requests run as.

An app user is no person: it has no account, no site role and no membership. It acts on its
own project only, with the rights of a team member ("member" role), so the collection rules
("project.view", "observation.submit") apply to it unchanged: `Project.project_role_for` asks
an actor that has `role_in_project` for its role instead of looking up a membership. On any
other project the actor has no role at all. The actor is authenticated but not a `User`,
so `observation_submit` records no observer for it: the app user is recorded beside the
observation instead (`AppUserSubmission`).
"""

from dataclasses import dataclass
from typing import Any

from cslab.core.roles import ProjectRole
from cslab.openrosa.models import AppUser, AppUserSubmission


@dataclass(frozen=True, eq=False)
class AppUserActor:
    app_user: AppUser

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_superuser(self) -> bool:
        return False

    @property
    def is_active(self) -> bool:
        return self.app_user.is_active

    @property
    def pk(self) -> tuple[str, int]:
        return ("app-user", self.app_user.pk)

    def role_in_project(self, project: Any) -> ProjectRole | None:
        """A member of its own project, nothing anywhere else."""
        return ProjectRole.MEMBER if project.pk == self.app_user.project_id else None

    def has_sent(self, observation: Any) -> bool:
        """Whether this device sent the observation: the collection rule for editing an
        observation ("observation.edit") asks, since an app user's observation has no observer."""
        return AppUserSubmission.objects.filter(
            app_user_id=self.app_user.pk, observation_id=observation.pk
        ).exists()

    def __str__(self) -> str:
        return f"app user {self.app_user.name}"
