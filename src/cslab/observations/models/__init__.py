from cslab.observations.models.map_cell_count import MapCellCount
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
    "MapCellCount",
    "ModerationEvent",
    "Observation",
    "ObservationFlag",
    "SensitiveCategory",
    "Tombstone",
    "TombstoneKey",
]
