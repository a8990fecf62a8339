"""Input and output schemas of the classification API."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from typing_extensions import TypeAliasType

from cslab.api.schemas import choices_json_schema
from cslab.classification.models import Classification, Subject, Workflow
from cslab.classification.task_definitions import answer_label, consensus_task

WorkflowStatus = TypeAliasType(
    "WorkflowStatus", Annotated[Workflow.Status, choices_json_schema(Workflow.Status)]
)
SubjectKind = TypeAliasType(
    "SubjectKind", Annotated[Subject.Kind, choices_json_schema(Subject.Kind)]
)


class WorkflowSettingsIn(Schema):
    tutorial: str | None = None
    field_guide: str | None = None
    retirement_count: int | None = Field(None, ge=1, le=1000)
    consensus_agreeing: int | None = Field(None, ge=1)
    consensus_confidence: float | None = Field(None, ge=0, le=1)
    gold_rate_newcomer: float | None = Field(None, ge=0, le=1)
    gold_rate_experienced: float | None = Field(None, ge=0, le=1)
    gold_rate_experience: int | None = Field(None, ge=0)
    assignment_order: Workflow.Order | None = None
    allow_anonymous: bool | None = None


class WorkflowIn(WorkflowSettingsIn):
    name: str = Field(..., min_length=1, max_length=200)
    tasks: list[dict[str, Any]] = Field(..., description="Task definitions (see the docs).")
    status: WorkflowStatus = Workflow.Status.DRAFT
    subject_set_ids: list[int] = Field(default_factory=list)


class WorkflowPatch(WorkflowSettingsIn):
    name: str | None = Field(None, min_length=1, max_length=200)
    tasks: list[dict[str, Any]] | None = None
    status: WorkflowStatus | None = None


class WorkflowOut(Schema):
    slug: str
    name: str
    status: WorkflowStatus
    tasks: list[dict[str, Any]]
    tutorial: str
    field_guide: str
    retirement_count: int
    consensus_agreeing: int | None
    consensus_confidence: float | None
    gold_rate_newcomer: float
    gold_rate_experienced: float
    gold_rate_experience: int
    assignment_order: Workflow.Order
    allow_anonymous: bool
    created_at: datetime


class SubjectOut(Schema):
    """A subject as a volunteer sees it: hidden metadata and gold answers left out."""

    id: int
    kind: SubjectKind
    external_id: str
    media_url: str
    content_type: str
    text: str
    metadata: dict[str, Any] = Field(..., alias="visible_metadata")


class SubjectStateOut(Schema):
    subject: SubjectOut
    is_gold: bool
    classification_count: int
    retired_at: datetime | None
    retirement_reason: str


class ClassificationIn(Schema):
    subject_id: int
    answers: dict[str, Any]


class GoldFeedbackOut(Schema):
    matched: bool
    expected: str = Field(..., description="The gold answer, in words.")
    explanation: str


class ClassificationOut(Schema):
    id: int
    subject_id: int
    answers: dict[str, Any]
    counted: bool
    created_at: datetime
    gold: GoldFeedbackOut | None = None

    @staticmethod
    def resolve_gold(classification: Classification) -> dict[str, Any] | None:
        subject = classification.subject
        if classification.gold_matched is None:
            return None
        task = consensus_task(classification.workflow.tasks)
        expected = ""
        if task is not None and task["key"] in subject.gold_answers:
            given = subject.gold_answers[task["key"]]
            value = given.get("choice") if isinstance(given, dict) else given
            expected = answer_label(task, value)
        return {
            "matched": classification.gold_matched,
            "expected": expected,
            "explanation": subject.gold_explanation,
        }


class ClassificationRowOut(Schema):
    id: int
    subject_id: int
    volunteer_id: int | None
    answers: dict[str, Any]
    counted: bool
    gold_matched: bool | None
    created_at: datetime


class StatsOut(Schema):
    classifications: int
    gold_seen: int
    gold_matched: int
    agreement: float | None = Field(
        ..., description="Share of your answers that agree with the consensus (null: none yet)."
    )
    compared: int
    retired: int
    subjects: int
    progress: float


class ResultOut(Schema):
    subject_id: int
    external_id: str
    label: str | None
    confidence: float
    agreeing: int = Field(..., alias="votes.agreeing")
    answers: int = Field(..., alias="votes.total")
    probabilities: dict[str, float] = Field(..., alias="votes.probabilities")
    classification_count: int
    retired_at: datetime | None
    retirement_reason: str
    expert_label: str | None
    is_disputed: bool


class DecisionIn(Schema):
    answers: dict[str, Any]
    note: str = Field("", max_length=2000)


class DecisionOut(Schema):
    subject_id: int
    answers: dict[str, Any]
    note: str
    created_at: datetime


class SubjectCommentIn(Schema):
    text: str = Field(..., max_length=5000)


class SubjectCommentOut(Schema):
    id: int
    author_name: str
    text: str
    hashtags: list[str]
    created_at: datetime

    @staticmethod
    def resolve_author_name(comment: Any) -> str:
        return str(comment.author.public_name) if comment.author else ""

    @staticmethod
    def resolve_hashtags(comment: Any) -> list[str]:
        return [tag.tag for tag in comment.hashtags.all()]


class SubjectSetOut(Schema):
    id: int
    name: str
    subject_count: int

    @staticmethod
    def resolve_subject_count(subject_set: Any) -> int:
        return int(subject_set.subjects.count())


class FromObservationsIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    workflow: str | None = Field(None, description="Offer the subjects in this workflow.")
    form: str | None = Field(None, description="Only observations of this form ID.")
    status: list[str] = Field(default_factory=list)
