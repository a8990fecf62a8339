"""What the consensus area plugs into other areas (imported at start-up, see `apps.py`)."""

from cslab.classification.services.classifications import votes_reader_register
from cslab.consensus.selectors import subject_votes

votes_reader_register(subject_votes)
