"""What each part of the hub adds to a resource's page.

The resource page (`views/resources.py`) is one page built by several parts of the hub:
curation (status, review actions), feedback (uses, endorsements, ratings, comments), case
studies (structure and live project figures), search (related resources), discovery (JSON-LD).
Each part registers, from its own views module, a `DetailPart`: the template it renders in a
slot of the page and a function that gives that template its context for (request, resource).
The page renders the parts of each slot in `order`.

Slots: "head" (inside <head>: JSON-LD, feed links), "notices" (above the text: status,
retirement notice), "main" (below the text), "aside" (beside it on a desktop, below on a phone).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

SLOTS = ("head", "notices", "main", "aside")

ContextFunction = Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class DetailPart:
    name: str
    slot: str
    template: str
    context: ContextFunction
    order: int = 50


_parts: dict[str, DetailPart] = {}


def register_detail_part(part: DetailPart) -> None:
    """Add a part to every resource page; registering the same name again replaces it."""
    if part.slot not in SLOTS:
        raise ValueError(f"unknown slot {part.slot!r}; use one of {SLOTS}")
    _parts[part.name] = part


@dataclass(frozen=True)
class RenderedPart:
    template: str
    context: dict[str, Any]


def detail_parts_for(request: HttpRequest, resource: Any) -> dict[str, list[RenderedPart]]:
    """Return, per slot, the parts to render for this resource (a context of None skips one)."""
    slots: dict[str, list[RenderedPart]] = {slot: [] for slot in SLOTS}
    for part in sorted(_parts.values(), key=lambda part: (part.order, part.name)):
        context = part.context(request, resource)
        if context is not None:
            slots[part.slot].append(RenderedPart(part.template, context))
    return slots
