from typing import Any

from django.http import HttpRequest

from cslab.core import permissions
from cslab.core.navigation import AREAS


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Add the areas this visitor may open, for the menu and the home page."""
    user = request.user
    visible = [
        area
        for area in AREAS
        if (not area.staff_only or permissions.is_staff(user))
        and (not area.signed_in_only or user.is_authenticated)
    ]
    return {"areas": visible, "is_lab_staff": permissions.is_staff(user)}
