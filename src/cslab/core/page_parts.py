"""Pages built by several parts of an area: each part registers what it adds to a slot.

A page such as a hub resource or an event is one page built by several parts of its area
(curation, feedback, registration, calendars...). Each part registers, from its own views
module, a `DetailPart`: the template it renders in a slot of the page and a function that gives
that template its context for (request, object). The page renders the parts of each slot in
`order`, with `{% render_part part %}` (`core/templatetags/page_parts.py`). An area makes one
`PartRegistry` per page, naming its slots.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

ContextFunction = Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class DetailPart:
    name: str
    slot: str
    template: str
    context: ContextFunction
    order: int = 50


@dataclass(frozen=True)
class RenderedPart:
    template: str
    context: dict[str, Any]


class PartRegistry:
    def __init__(self, slots: tuple[str, ...]) -> None:
        self.slots = slots
        self.parts: dict[str, DetailPart] = {}

    def register(self, part: DetailPart) -> None:
        """Add a part to every page; registering the same name again replaces it."""
        if part.slot not in self.slots:
            raise ValueError(f"unknown slot {part.slot!r}; use one of {self.slots}")
        self.parts[part.name] = part

    def parts_for(self, request: HttpRequest, target: Any) -> dict[str, list[RenderedPart]]:
        """Return, per slot, the parts to render for this target (a context of None skips one)."""
        slots: dict[str, list[RenderedPart]] = {slot: [] for slot in self.slots}
        for part in sorted(self.parts.values(), key=lambda part: (part.order, part.name)):
            context = part.context(request, target)
            if context is not None:
                slots[part.slot].append(RenderedPart(part.template, context))
        return slots
