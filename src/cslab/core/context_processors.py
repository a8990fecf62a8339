from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from cslab.core import permissions
from cslab.core.navigation import AREAS, Area


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Add the areas this visitor may open (menu, home page) and the one this page lies in."""
    user = request.user
    visible = [
        area
        for area in AREAS
        if (not area.staff_only or permissions.is_staff(user))
        and (not area.signed_in_only or user.is_authenticated)
    ]
    current_area, current_area_is_page = _current_area(visible, request.path)
    return {
        "areas": visible,
        "is_lab_staff": permissions.is_staff(user),
        "current_area": current_area,
        "current_area_is_page": current_area_is_page,
    }


def _current_area(areas: list[Area], path: str) -> tuple[str | None, bool]:
    """The area whose address is the longest start of this page's path, and whether it is this page.

    A project page lies under the directory's /projects/, "My projects" under /projects/mine/:
    the longest match names the area a person is in (aria-current marks it in the menu).
    """
    best: tuple[str | None, bool] = (None, False)
    best_length = 0
    for area in areas:
        try:
            url = reverse(area.url_name)
        except NoReverseMatch:
            continue
        if url == "/" or not path.startswith(url) or len(url) <= best_length:
            continue
        best, best_length = (area.url_name, path == url), len(url)
    return best
