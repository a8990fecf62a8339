from cslab.collection.models.form import Form, FormVersion
from cslab.collection.models.media import Media
from cslab.collection.models.observation import (
    ModerationEvent,
    Observation,
    ObservationFlag,
    Tombstone,
    TombstoneKey,
)
from cslab.collection.models.settings import CollectionSettings, SensitiveCategory

__all__ = [
    "CollectionSettings",
    "Form",
    "FormVersion",
    "Media",
    "ModerationEvent",
    "Observation",
    "ObservationFlag",
    "SensitiveCategory",
    "Tombstone",
    "TombstoneKey",
]
