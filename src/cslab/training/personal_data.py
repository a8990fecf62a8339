"""The training area's part of a person's data export: lessons done, quiz attempts (with the
answers given), certificates."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.training.models import Certificate, LessonCompletion, QuizAttempt


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _lessons_completed(user: User) -> Iterator[dict[str, Any]]:
    completions = (
        LessonCompletion.objects.filter(user=user)
        .select_related("lesson__module")
        .order_by("completed_at", "id")
    )
    for completion in completions.iterator(chunk_size=500):
        yield {
            "module": completion.lesson.module.title,
            "lesson": completion.lesson.title,
            "completed_at": _iso(completion.completed_at),
        }


def _quiz_attempts(user: User) -> Iterator[dict[str, Any]]:
    attempts = (
        QuizAttempt.objects.filter(user=user)
        .select_related("lesson__module")
        .order_by("created_at", "id")
    )
    for attempt in attempts.iterator(chunk_size=500):
        yield {
            "module": attempt.lesson.module.title,
            "lesson": attempt.lesson.title,
            "answers": attempt.answers,
            "correct_count": attempt.correct_count,
            "question_count": attempt.question_count,
            "score_percent": attempt.score_percent,
            "passed": attempt.passed,
            "created_at": _iso(attempt.created_at),
        }


def _certificates(user: User) -> Iterator[dict[str, Any]]:
    certificates = Certificate.objects.filter(user=user).order_by("issued_at", "id")
    for certificate in certificates.iterator(chunk_size=500):
        yield {
            "code": certificate.code,
            "holder_name": certificate.holder_name,
            "module_title": certificate.module_title,
            "issued_at": _iso(certificate.issued_at),
            "show_on_profile": certificate.show_on_profile,
            "revoked_at": _iso(certificate.revoked_at),
        }


@register_section("training", gettext_noop("Your training"))
def _training(user: User) -> dict[str, Any]:
    return {
        "lessons_completed": _lessons_completed(user),
        "quiz_attempts": _quiz_attempts(user),
        "certificates": _certificates(user),
    }
