from cslab.observations.models.observation import (
    ModerationEvent,
    Observation,
    ObservationFlag,
    Tombstone,
    TombstoneKey,
)
from cslab.observations.models.settings import CollectionSettings, SensitiveCategory

__all__ = [
    "CollectionSettings",
    "ModerationEvent",
    "Observation",
    "ObservationFlag",
    "SensitiveCategory",
    "Tombstone",
    "TombstoneKey",
]
