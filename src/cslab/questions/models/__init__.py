from cslab.questions.models.comment import Comment, CommentFlag
from cslab.questions.models.question import (
    Follow,
    Question,
    QuestionDomain,
    QuestionStatusChange,
    Support,
)

__all__ = [
    "Comment",
    "CommentFlag",
    "Follow",
    "Question",
    "QuestionDomain",
    "QuestionStatusChange",
    "Support",
]
