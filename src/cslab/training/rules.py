"""Permission rules of training.

Trainers and Lab staff write modules. A published (or retired) module is open to everyone; a
draft only to its author and staff (404 for anyone else). Taking a lesson's quiz and saving
progress need a sign-in. Certificates are verified by anyone holding the code; only their
holder decides whether the profile shows them. A project's owners set the modules a role
requires.
"""

from typing import Any

from cslab.core.actors import Actor
from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole

STAFF = frozenset({SiteRole.STAFF})
AUTHORS = frozenset({SiteRole.STAFF, SiteRole.TRAINER})
PUBLIC_STATUSES = frozenset({"published", "retired"})


def _is_public(user: Actor, module: Any) -> bool:
    return module is not None and module.status in PUBLIC_STATUSES


register(
    "training.module.view",
    Rule(
        site_roles=STAFF,
        owner_attribute="created_by_id",
        predicate=_is_public,
        description="Open a training module and its lessons (published or retired: anyone)",
    ),
)
register(
    "training.module.create",
    Rule(site_roles=AUTHORS, hidden=False, description="Write a new training module"),
)
register(
    "training.module.edit",
    Rule(
        site_roles=STAFF,
        owner_attribute="created_by_id",
        hidden=False,
        description="Edit, publish or retire a training module and its lessons and quizzes",
    ),
)
register(
    "training.progress.record",
    Rule(
        any_signed_in=True,
        hidden=False,
        description="Finish a lesson or take its quiz (progress is saved)",
    ),
)
register(
    "training.certificate.manage",
    Rule(owner_attribute="user_id", description="Show or hide one's certificate on the profile"),
)
register(
    "training.requirement.manage",
    Rule(
        site_roles=STAFF,
        project_roles=frozenset({ProjectRole.OWNER}),
        hidden=False,
        description="Set the training modules a project's roles require",
    ),
)
