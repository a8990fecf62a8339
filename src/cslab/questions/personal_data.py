"""The questions area's part of a person's data export."""

from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.questions.models import Comment, CommentFlag, Follow, Question, Support


@register_section("questions", gettext_noop("Your questions and comments"))
def _questions(user: User) -> dict[str, Any]:
    return {
        "proposed": [
            {
                "question": q.text,
                "why_it_matters": q.why_it_matters,
                "status": q.status,
                "place_name": q.place_name,
                "latitude": q.latitude,
                "longitude": q.longitude,
                "area": q.area,
                "proposed": q.created_at.isoformat(),
                "status_changed_at": q.status_changed_at.isoformat()
                if q.status_changed_at
                else None,
                "answer": q.answer,
                "answer_links": q.answer_links,
                "decline_reason": q.decline_reason,
                "support_count": q.support_count,
            }
            for q in Question.objects.filter(proposer=user).order_by("created_at")
        ],
        "comments": [
            {
                "question": c.question.text,
                "comment": c.text,
                "posted": c.created_at.isoformat(),
                "hidden": c.hidden_at is not None,
                "hidden_at": c.hidden_at.isoformat() if c.hidden_at else None,
                "hidden_reason": c.hidden_reason,
            }
            for c in Comment.objects.filter(author=user).select_related("question")
        ],
        "comment_flags": [
            {
                "question": f.comment.question.text,
                "reason": f.reason,
                "flagged": f.created_at.isoformat(),
            }
            for f in CommentFlag.objects.filter(user=user).select_related("comment__question")
        ],
        "supported": [
            {"question": s.question.text, "since": s.created_at.isoformat()}
            for s in Support.objects.filter(user=user).select_related("question")
        ],
        "followed": [
            {"question": f.question.text, "since": f.created_at.isoformat()}
            for f in Follow.objects.filter(user=user).select_related("question")
        ],
    }
