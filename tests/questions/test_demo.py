"""Demo questions: twenty, in every state, loaded twice without doubling anything."""

from collections import Counter

import pytest

from cslab.accounts.demo import load_demo_people
from cslab.projects.demo import load_demo_projects
from cslab.questions.demo import QUESTIONS, load_demo_questions
from cslab.questions.models import Comment, Follow, Question, Support

pytestmark = pytest.mark.django_db


def _load() -> tuple[int, int, int, int]:
    load_demo_people()
    load_demo_projects()
    load_demo_questions()
    return (
        Question.objects.count(),
        Support.objects.count(),
        Follow.objects.count(),
        Comment.objects.count(),
    )


def test_the_demo_has_twenty_questions_in_every_state_and_loads_idempotently() -> None:
    first = _load()
    assert _load() == first
    assert first[0] == len(QUESTIONS) == 20
    statuses = Counter(Question.objects.values_list("status", flat=True))
    assert set(statuses) == set(Question.Status.values)
    assert first[1] > 20 and first[2] > 0 and first[3] > 5


def test_demo_support_counts_match_the_supports_and_threads_nest() -> None:
    _load()
    for question in Question.objects.all():
        assert question.support_count == question.supports.count(), question
    assert Comment.objects.filter(depth=2).exists()
    assert Comment.objects.filter(hidden_at__isnull=False).exists()


def test_questions_load_even_without_the_projects_demo() -> None:
    load_demo_people()
    load_demo_questions()
    assert Question.objects.count() == 20
