"""What each part of the hub adds to a resource's page (a `core.page_parts` registry).

Parts: curation (status, review actions), feedback (uses, endorsements, ratings, comments),
case studies (structure and live project figures), search (related resources), discovery
(JSON-LD). Slots: "head" (inside <head>: JSON-LD, feed links), "notices" (above the text:
status, retirement notice), "main" (below the text), "aside" (beside it on a desktop, below on
a phone).
"""

from cslab.core.page_parts import DetailPart, PartRegistry, RenderedPart

SLOTS = ("head", "notices", "main", "aside")

registry = PartRegistry(SLOTS)
_parts = registry.parts
register_detail_part = registry.register
detail_parts_for = registry.parts_for

__all__ = ["SLOTS", "DetailPart", "RenderedPart", "detail_parts_for", "register_detail_part"]
