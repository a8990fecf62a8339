"""Published versions of a resource (owned by the curation part; see hub.versions for the diff).

`version_record` is called by every service that publishes a text: `resource_transition` on
publish and `resource_update` when a published resource is edited.
"""

from __future__ import annotations

from cslab.core.actors import Actor
from cslab.hub.models import Resource, ResourceVersion


def version_record(
    *, actor: Actor | None, resource: Resource, change_note: str = ""
) -> ResourceVersion:
    """Store the resource as it now reads as its next version; call inside the transaction."""
    raise NotImplementedError("the curation part builds this")
