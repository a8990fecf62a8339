"""The curation life of a resource: which step leads where, and who takes it. Pure: no ORM.

Applied only by `hub.services.curation`, which checks the permission the step names and records
every step in the audit log.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DRAFT = "draft"
SUBMITTED = "submitted"
CHANGES_REQUESTED = "changes_requested"
PUBLISHED = "published"
DECLINED = "declined"
RETIRED = "retired"

# Where the author may still change the text without a curator's decision in between.
EDITABLE_BY_AUTHOR = frozenset({DRAFT, CHANGES_REQUESTED})
# Where curators (and the author, for a new version) may edit a resource already out.
EDITABLE_AFTER_PUBLICATION = frozenset({PUBLISHED})
# Anyone may open these; only PUBLISHED is listed, searched, fed and put in the sitemap.
PUBLIC = frozenset({PUBLISHED, RETIRED})


@dataclass(frozen=True)
class Step:
    action: str
    source: str
    target: str
    # The permission the actor needs: the author's steps use hub.resource.edit, curators'
    # hub.resource.curate.
    permission: str
    label: str | Promise


STEPS: tuple[Step, ...] = (
    Step("submit", DRAFT, SUBMITTED, "hub.resource.edit", _("Submit for review")),
    Step("submit", CHANGES_REQUESTED, SUBMITTED, "hub.resource.edit", _("Submit again")),
    Step("withdraw", SUBMITTED, DRAFT, "hub.resource.edit", _("Withdraw to draft")),
    Step("publish", SUBMITTED, PUBLISHED, "hub.resource.curate", _("Publish")),
    Step(
        "request_changes",
        SUBMITTED,
        CHANGES_REQUESTED,
        "hub.resource.curate",
        _("Request changes"),
    ),
    Step("decline", SUBMITTED, DECLINED, "hub.resource.curate", _("Decline")),
    Step("retire", PUBLISHED, RETIRED, "hub.resource.curate", _("Retire")),
    Step("reinstate", RETIRED, PUBLISHED, "hub.resource.curate", _("Publish again")),
)


def step_for(source: str, action: str) -> Step | None:
    """Return the step `action` takes from status `source`, or None when it is not allowed."""
    for step in STEPS:
        if step.source == source and step.action == action:
            return step
    return None


def steps_from(source: str) -> list[Step]:
    """Return every step open from status `source`, in the order above."""
    return [step for step in STEPS if step.source == source]
