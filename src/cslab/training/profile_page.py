"""Training's part of a person's profile page (`core.profile_page`): the certificates they
chose to show. The profile page has already checked that the viewer may see the profile;
a private profile lists none, even to its owner (it is what others would see)."""

from typing import Any

from django.http import HttpRequest

from cslab.core.profile_page import DetailPart, register_profile_part
from cslab.training.certificate_selectors import certificate_list_on_profile


def _certificates(request: HttpRequest, person: Any) -> dict[str, Any] | None:
    if not getattr(person, "profile_public", False):
        return None
    certificates = list(certificate_list_on_profile(person=person))
    if not certificates:
        return None
    return {"certificates": certificates}


register_profile_part(
    DetailPart(
        name="training.certificates",
        slot="main",
        template="training/_profile_certificates.html",
        context=_certificates,
        order=50,
    )
)
