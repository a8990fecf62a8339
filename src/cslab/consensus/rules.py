"""Permission rules of the consensus area. Targets are workflows (or their aggregation runs).

* `consensus.run`: start an aggregation of a workflow (owners, researchers, moderators, Lab
  staff — the people who read its results and settle its disputes);
* `consensus.configure`: choose the method and the dispute thresholds (owners, researchers,
  Lab staff).

Reading results and the expert review queue is `workflow.review` (classification rules).
"""

from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole

STAFF = frozenset({SiteRole.STAFF})
LEADS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER})
REVIEWERS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER, ProjectRole.MODERATOR})

register(
    "consensus.run",
    Rule(
        site_roles=STAFF,
        project_roles=REVIEWERS,
        hidden=False,
        description="Start the aggregation of a workflow's classifications",
    ),
)
register(
    "consensus.configure",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        hidden=False,
        description="Choose a workflow's aggregation method and dispute thresholds",
    ),
)
