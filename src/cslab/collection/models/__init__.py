from cslab.collection.models.form import Form, FormVersion
from cslab.collection.models.observation import Observation, Tombstone

__all__ = ["Form", "FormVersion", "Observation", "Tombstone"]
