from cslab.hub.models.case_study import (
    CaseStudy,
    CaseStudyImpact,
    CaseStudyOutput,
    CaseStudyParticipantGroup,
    CaseStudyPerson,
    CaseStudyProject,
)
from cslab.hub.models.curation import QualityCriterion, Review
from cslab.hub.models.feedback import (
    Endorsement,
    Rating,
    ResourceComment,
    ResourceCommentFlag,
    ResourceUse,
)
from cslab.hub.models.resource import (
    Resource,
    ResourceAuthor,
    ResourceFile,
    ResourceLink,
    ResourceTag,
    ResourceVersion,
)
from cslab.hub.models.subscription import DigestDelivery, Subscription

__all__ = [
    "CaseStudy",
    "CaseStudyImpact",
    "CaseStudyOutput",
    "CaseStudyParticipantGroup",
    "CaseStudyPerson",
    "CaseStudyProject",
    "DigestDelivery",
    "Endorsement",
    "QualityCriterion",
    "Rating",
    "Resource",
    "ResourceAuthor",
    "ResourceComment",
    "ResourceCommentFlag",
    "ResourceFile",
    "ResourceLink",
    "ResourceTag",
    "ResourceUse",
    "ResourceVersion",
    "Review",
    "Subscription",
]
