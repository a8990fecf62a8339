"""The questions area's part of a person's data export."""

from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.questions.models import Comment, Follow, Question, Support


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
                "proposed": q.created_at.isoformat(),
            }
            for q in Question.objects.filter(proposer=user).order_by("created_at")
        ],
        "comments": [
            {
                "question": c.question.text,
                "comment": c.text,
                "posted": c.created_at.isoformat(),
                "hidden": c.hidden_at is not None,
            }
            for c in Comment.objects.filter(author=user).select_related("question")
        ],
        "supported": [
            s.question.text for s in Support.objects.filter(user=user).select_related("question")
        ],
        "followed": [
            f.question.text for f in Follow.objects.filter(user=user).select_related("question")
        ],
    }
