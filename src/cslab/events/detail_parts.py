"""What each part of events adds to an event's page (a `core.page_parts` registry).

Parts: registration (places, the register/cancel box, the joining link for registered
people), calendars ("add to calendar", JSON-LD), after the event (check-in, feedback,
recording and slides), organising (links to the dashboard and attendance for organisers).
Slots: "head" (inside <head>: JSON-LD, feed links), "notices" (above the description:
cancelled, registration closed, your place), "main" (below the description), "aside" (beside
it on a desktop, below on a phone).
"""

from cslab.core.page_parts import DetailPart, PartRegistry

SLOTS = ("head", "notices", "main", "aside")

registry = PartRegistry(SLOTS)
register_detail_part = registry.register
detail_parts_for = registry.parts_for

__all__ = ["SLOTS", "DetailPart", "detail_parts_for", "register_detail_part"]
