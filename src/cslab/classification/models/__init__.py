from cslab.classification.models.classification import (
    Classification,
    ExpertDecision,
    SubjectComment,
    SubjectHashtag,
)
from cslab.classification.models.subject import Subject, SubjectSet, visible_metadata
from cslab.classification.models.workflow import Workflow, WorkflowSubject, WorkflowSubjectSet

__all__ = [
    "Classification",
    "ExpertDecision",
    "Subject",
    "SubjectComment",
    "SubjectHashtag",
    "SubjectSet",
    "Workflow",
    "WorkflowSubject",
    "WorkflowSubjectSet",
    "visible_metadata",
]
