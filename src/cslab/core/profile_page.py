"""What other areas add to a person's public profile page (a `core.page_parts` registry).

`accounts` owns the profile page but sits below the areas that have something to show on it
(training's certificates of completion, for example). Each such area registers a `DetailPart`
from its `profile_page` registration module; its context function gets (request, person) and
returns None to show nothing. The page renders the parts of slot "main" below the bio.
A part shows only what the person chose to make public, and only on a profile the viewer may
see (the profile page has already checked that).
"""

from cslab.core.page_parts import DetailPart, PartRegistry

SLOTS = ("main",)

registry = PartRegistry(SLOTS)
register_profile_part = registry.register
profile_parts_for = registry.parts_for

__all__ = ["SLOTS", "DetailPart", "profile_parts_for", "register_profile_part"]
