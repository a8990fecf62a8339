"""Typed input and output of the questions API."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from cslab.questions import selectors


class LinkSchema(Schema):
    title: str = Field("", max_length=200)
    url: str = Field(..., max_length=500)


class QuestionOut(Schema):
    id: int
    text: str
    why_it_matters: str
    status: str
    board: str | None = Field(None, description="The project's slug; null on the Lab-wide board.")
    proposer_id: int | None
    proposer_name: str | None
    domains: list[str]
    place_name: str
    latitude: float | None
    longitude: float | None
    area: dict[str, Any] | None
    support_count: int
    adopted_project: str | None = Field(
        None, description="The adopting project's slug, when the viewer may see that project."
    )
    answer: str
    answer_links: list[LinkSchema]
    decline_reason: str
    merged_into_id: int | None
    created_at: datetime
    status_changed_at: datetime | None
    url: str

    @staticmethod
    def resolve_board(question: Any) -> str | None:
        return question.project.slug if question.project_id else None

    @staticmethod
    def resolve_proposer_name(question: Any) -> str | None:
        return str(question.proposer.public_name) if question.proposer_id else None

    @staticmethod
    def resolve_domains(question: Any) -> list[str]:
        return list(question.domain_values())

    @staticmethod
    def resolve_adopted_project(question: Any, context: Any) -> str | None:
        request = context["request"]
        user = getattr(request, "auth", None) or request.user
        if selectors.question_adopted_project_visible(user=user, question=question):
            return str(question.adopted_project.slug)
        return None

    @staticmethod
    def resolve_url(question: Any) -> str:
        return str(question.get_absolute_url())


class SimilarQuestionOut(Schema):
    id: int
    text: str
    status: str
    support_count: int
    score: float
    url: str

    @staticmethod
    def resolve_id(match: Any) -> int:
        return int(match.question.pk)

    @staticmethod
    def resolve_text(match: Any) -> str:
        return str(match.question.text)

    @staticmethod
    def resolve_status(match: Any) -> str:
        return str(match.question.status)

    @staticmethod
    def resolve_support_count(match: Any) -> int:
        return int(match.question.support_count)

    @staticmethod
    def resolve_url(match: Any) -> str:
        return str(match.question.get_absolute_url())


class QuestionIn(Schema):
    text: str = Field(..., min_length=1, max_length=300)
    why_it_matters: str = Field(..., min_length=1, max_length=3000)
    board: str | None = Field(None, description="A project's slug; omit for the Lab-wide board.")
    domains: list[str] = Field(default_factory=list)
    place_name: str = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    area: dict[str, Any] | None = Field(None, description="A GeoJSON geometry or Feature.")


class SupportOut(Schema):
    question_id: int
    supporting: bool
    support_count: int


class FollowOut(Schema):
    question_id: int
    following: bool


class QuestionCommentOut(Schema):
    id: int
    question_id: int
    parent_id: int | None
    depth: int
    author_id: int | None
    author_name: str | None
    text: str = Field(..., description="Empty for a hidden comment, except for moderators.")
    hidden: bool
    hidden_reason: str
    created_at: datetime

    @staticmethod
    def resolve_author_name(comment: Any) -> str | None:
        return str(comment.author.public_name) if comment.author_id else None

    @staticmethod
    def resolve_text(comment: Any) -> str:
        return str(getattr(comment, "shown_text", "" if comment.is_hidden else comment.text))

    @staticmethod
    def resolve_hidden(comment: Any) -> bool:
        return bool(comment.is_hidden)


class QuestionCommentIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000)
    parent_id: int | None = None


class QuestionCommentFlagIn(Schema):
    reason: str = Field("", max_length=500)


class QuestionCommentModerateIn(Schema):
    reason: str = Field("", max_length=500)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class AdoptIn(NoteIn):
    project: str | None = Field(
        None, description="Slug of a project you may edit; omit to start a new incubating one."
    )
    new_project_name: str = Field("", max_length=200)


class AnswerIn(NoteIn):
    answer: str = Field(..., min_length=1, max_length=10000)
    links: list[LinkSchema] = Field(default_factory=list)


class DeclineIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class MergeIn(NoteIn):
    into: int = Field(..., description="The question the duplicate is merged into.")
