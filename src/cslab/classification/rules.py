"""Permission rules of the classification area.

Targets are workflows, subjects or projects; each answers `project_role_for` for its project.

* `workflow.view`: a workflow that is not a draft, for whoever may see its project; drafts for
  the project's team and Lab staff.
* `workflow.classify`: an active workflow, for anyone who may see the project and is signed in,
  or anonymous visitors when the workflow allows classifying without an account.
* `workflow.manage`: create and change workflows and subject sets (owners, researchers, staff).
* `workflow.review`: results, exports, the expert review queue and decisions (owners,
  researchers, moderators, staff).
* `subject.talk`: comment on a subject (anyone signed in who may see the project).
"""

from typing import Any

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole

STAFF = frozenset({SiteRole.STAFF})
LEADS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER})
REVIEWERS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER, ProjectRole.MODERATOR})
TEAM = frozenset(ProjectRole)


def _project_of(target: Any) -> Any:
    if hasattr(target, "subject_set"):
        return target.subject_set.project
    return getattr(target, "project", target)


def _project_is_visible(user: Actor, target: Any) -> bool:
    return target is not None and permissions.has_permission(
        user, "project.view", _project_of(target)
    )


def _published_and_visible(user: Actor, workflow: Any) -> bool:
    return (
        workflow is not None and workflow.status != "draft" and _project_is_visible(user, workflow)
    )


def _may_classify(user: Actor, workflow: Any) -> bool:
    return (
        workflow is not None
        and workflow.status == "active"
        and (user.is_authenticated or workflow.allow_anonymous)
        and _project_is_visible(user, workflow)
    )


def _signed_in_and_visible(user: Actor, target: Any) -> bool:
    return bool(user.is_authenticated) and _project_is_visible(user, target)


register(
    "workflow.view",
    Rule(
        site_roles=STAFF,
        project_roles=TEAM,
        predicate=_published_and_visible,
        description="See a project's classification workflows",
    ),
)
register(
    "workflow.classify",
    Rule(predicate=_may_classify, hidden=False, description="Classify a workflow's subjects"),
)
register(
    "workflow.manage",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        hidden=False,
        description="Create and change workflows and subject sets",
    ),
)
register(
    "workflow.review",
    Rule(
        site_roles=STAFF,
        project_roles=REVIEWERS,
        hidden=False,
        description="See results and exports, and settle disputed subjects",
    ),
)
register(
    "subject.talk",
    Rule(predicate=_signed_in_and_visible, hidden=False, description="Comment on a subject"),
)
