"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

Observations are contributions. Deleted, each leaves a tombstone exactly as `observation_erase`
does (the same keyed hash of its instance ID), so an offline device replaying it later stores
nothing, and its media files go from storage once the erasure commits. Kept, they stay (under
the pseudonym), with free-text answers that name the person redacted and, where the observer
had hidden or blurred the place (private or obscured), the true location replaced by what the
public saw: kept data must not locate the person either (a home garden is as identifying as a
name).
"""

from __future__ import annotations

import re
from typing import Any

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.core.redaction import identity_needles, redact_queryset
from cslab.media.services import media_files_erase
from cslab.observations import map_counts
from cslab.observations.models import ModerationEvent, Observation, ObservationFlag, Tombstone
from cslab.observations.tombstones import instance_hash

# A geopoint answer: "latitude longitude [altitude [accuracy]]".
_GEOPOINT = re.compile(r"^\s*-?\d+(?:\.\d+)?\s+-?\d+(?:\.\d+)?(?:\s+-?\d+(?:\.\d+)?){0,2}\s*$")


@register_eraser("observations")
def erase_observations(scope: ErasureScope) -> int:
    user = scope.user
    observations = Observation.objects.filter(observer=user)
    if scope.project is not None:
        observations = observations.filter(project=scope.project)
    changed = 0
    if scope.delete_contributions:
        for observation in observations.select_related("form"):
            Tombstone.objects.get_or_create(
                form=observation.form, instance_hash=instance_hash(observation.instance_id)
            )
            media_files_erase(observation=observation)
            changed += 1
        with map_counts.observations_changing(observations):
            observations.delete()
    else:
        needles = identity_needles(email=user.email, display_name=user.display_name)
        hidden = observations.exclude(geoprivacy=Observation.Geoprivacy.OPEN)
        with map_counts.observations_changing(hidden):  # their true cells become the public ones
            for observation in hidden:
                changed += _generalise(observation)
        changed += redact_queryset(observations, ["answers", "status_reason"], needles)
        if scope.pseudonym_user.pk != user.pk:
            observations.update(observer=scope.pseudonym_user)
    if scope.project is None:
        changed += ObservationFlag.objects.filter(flagged_by=user).delete()[0]
        needles = identity_needles(email=user.email, display_name=user.display_name)
        changed += redact_queryset(ModerationEvent.objects.filter(actor=user), ["reason"], needles)
    return changed


def _generalise(observation: Observation) -> int:
    """Keep only the public location of a private or obscured observation."""
    public = (observation.public_latitude, observation.public_longitude)
    point = "" if public[0] is None else f"{public[0]} {public[1]}"
    Observation.objects.filter(pk=observation.pk).update(
        latitude=public[0],
        longitude=public[1],
        accuracy=None,
        h3_res3=observation.public_h3_res3,
        h3_res5=observation.public_h3_res5,
        h3_res7=observation.public_h3_res7,
        h3_res9=observation.public_h3_res9,
        answers=_geopoints_replaced(observation.answers, point),
    )
    return 1


def _geopoints_replaced(value: Any, point: str) -> Any:
    if isinstance(value, str):
        return point if _GEOPOINT.match(value) else value
    if isinstance(value, list):
        return [_geopoints_replaced(item, point) for item in value]
    if isinstance(value, dict):
        return {key: _geopoints_replaced(item, point) for key, item in value.items()}
    return value
