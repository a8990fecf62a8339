from cslab.consensus.models.results import (
    AggregationRun,
    ConsensusResult,
    ConsensusSettings,
    WorkerSkill,
)

__all__ = ["AggregationRun", "ConsensusResult", "ConsensusSettings", "WorkerSkill"]
