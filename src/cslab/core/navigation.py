"""The areas of cslab, as the home page and the main menu list them.

Each area adds its entry when its first feature arrives.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    url_name: str
    title: str | Promise
    summary: str | Promise
    staff_only: bool = False
    signed_in_only: bool = False


AREAS: list[Area] = [
    Area(
        "account_profile",
        _("Your account"),
        _("Your profile, language, API tokens and the jobs you started."),
        signed_in_only=True,
    ),
    Area(
        "api-1.0.0:openapi-view",
        _("API"),
        _("Every feature is open to scripts and other platforms through a documented API."),
    ),
    Area(
        "audit_log",
        _("Audit log"),
        _("Who changed what, and when: every change to data is recorded."),
        staff_only=True,
    ),
]
