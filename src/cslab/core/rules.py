"""Permission rules of the core area."""

from cslab.core.permissions import Rule, register
from cslab.core.roles import SiteRole

STAFF = frozenset({SiteRole.STAFF})

register("audit.browse", Rule(site_roles=STAFF, description="Browse the audit log"))
register(
    "job.view",
    Rule(site_roles=STAFF, owner_attribute="started_by_id", description="See a job's progress"),
)
# A job's result can be personal (a data export holds someone's whole account): it is for the
# person who started the job. Staff may follow any job's progress, not read what it produced.
register(
    "job.read_result",
    Rule(owner_attribute="started_by_id", description="Read what a job produced"),
)
