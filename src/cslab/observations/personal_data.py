"""The collection area's part of a person's data export: the observations they submitted.

It is the person's own data, so the export holds all of it: every answer, the true location
(not only the public one), the moderation status and the names of the attached files.
"""

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.media.models import Media
from cslab.observations.models import Observation


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@register_section("observations", gettext_noop("Your observations"))
def _observations(user: User) -> list[dict[str, Any]]:
    observations = (
        Observation.objects.filter(observer=user)
        .select_related("project", "form", "form_version")
        .prefetch_related(Prefetch("media", queryset=Media.objects.order_by("name")))
        .order_by("created_at", "id")
    )
    return [
        {
            "project": observation.project.slug,
            "form": observation.form.form_id,
            "form_version": observation.form_version.version,
            "instance_id": observation.instance_id,
            "answers": observation.answers,
            "latitude": observation.latitude,
            "longitude": observation.longitude,
            "accuracy": observation.accuracy,
            "geoprivacy": observation.geoprivacy,
            "public_latitude": observation.public_latitude,
            "public_longitude": observation.public_longitude,
            "observed_at": _iso(observation.observed_at),
            "submitted_at": _iso(observation.created_at),
            "status": observation.status,
            "status_reason": observation.status_reason,
            "media": [media.name for media in observation.media.all()],
        }
        for observation in observations
    ]
