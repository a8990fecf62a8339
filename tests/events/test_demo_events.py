"""The demo events and training modules (issue 13, item 9): twelve events of every kind, past
and upcoming, some full with a waiting list, seat counters equal to their rows; three modules
with quizzes; loading twice doubles nothing.

The demo people, projects, hub, events and training are loaded once for the module (a few
seconds), inside a transaction rolled back at the end; each test runs in a savepoint of it.
"""

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone

from cslab.accounts.demo import load_demo_people
from cslab.accounts.models import User
from cslab.core.roles import ProjectRole
from cslab.events.demo import EVENTS, JOURNEY_WORKSHOP, load_demo_events
from cslab.events.models import (
    Event,
    EventFeedback,
    EventPerson,
    EventProject,
    EventResource,
    EventSession,
    EventTag,
    Registration,
)
from cslab.events.vocabulary import (
    AttendanceMode,
    EventKind,
    EventPersonRole,
    EventResourceRelation,
    EventTagKind,
)
from cslab.hub.demo import load_demo_hub
from cslab.hub.models import Resource
from cslab.hub.vocabulary import Audience
from cslab.projects.demo import load_demo_projects
from cslab.projects.vocabulary import Faculty, ResearchDomain
from cslab.training.demo import (
    DATA_QUALITY,
    INTRODUCTION,
    SPECIES,
    load_demo_training,
)
from cslab.training.models import (
    Certificate,
    Lesson,
    LessonCompletion,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
    RoleRequirement,
    TrainingModule,
)

pytestmark = pytest.mark.django_db

MODELS = (
    User,
    Event,
    EventSession,
    EventTag,
    EventPerson,
    EventResource,
    EventProject,
    Registration,
    EventFeedback,
    TrainingModule,
    Lesson,
    QuizQuestion,
    QuizChoice,
    LessonCompletion,
    QuizAttempt,
    Certificate,
    RoleRequirement,
)
VOLUNTEER = "volunteer@demo.cslab.test"


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo_people()
            load_demo_projects()
            load_demo_hub()
            load_demo_events()
            load_demo_training()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_loading_events_and_training_twice_doubles_nothing(demo: None) -> None:
    before = _counts()
    assert load_demo_events() == []
    assert load_demo_training() == []
    assert _counts() == before


def test_twelve_events_of_every_kind_and_attendance_past_and_upcoming(demo: None) -> None:
    events = Event.objects.all()
    assert events.count() == len(EVENTS) == 12
    assert set(events.values_list("kind", flat=True)) == set(EventKind.values)
    assert set(events.values_list("attendance_mode", flat=True)) == set(AttendanceMode.values)
    now = timezone.now()
    listed = events.filter(status=Event.Status.PUBLISHED)
    assert listed.filter(ends_at__lt=now).count() >= 4
    assert listed.filter(starts_at__gt=now).count() >= 4
    assert not events.filter(published_at__isnull=True).exists()
    assert events.filter(project__isnull=False).count() >= 4
    assert events.filter(language="nl").exists()


def test_each_events_times_are_its_sessions_and_one_is_a_series_of_three(demo: None) -> None:
    for event in Event.objects.prefetch_related("sessions"):
        sessions = list(event.sessions.all())
        assert sessions
        assert event.starts_at == min(s.starts_at for s in sessions)
        assert event.ends_at == max(s.ends_at for s in sessions)
    series = Event.objects.annotate(n=Count("sessions")).filter(n__gt=1)
    assert [event.n for event in series] == [3]


def test_in_person_events_have_a_real_looking_venue_and_online_ones_a_link(demo: None) -> None:
    for event in Event.objects.all():
        if event.is_in_person:
            assert event.venue_name and event.venue_address
            assert any(city in event.venue_address for city in ("Amsterdam", "Utrecht", "Leiden"))
            assert event.latitude is not None and 51.5 < event.latitude < 53
            assert event.longitude is not None and 4 < event.longitude < 6
        else:
            assert not event.venue_name and event.latitude is None
        assert bool(event.online_url) == event.is_online


def test_counters_equal_the_registration_rows(demo: None) -> None:
    for event in Event.objects.annotate(
        registered=Count("registrations", filter=Q(registrations__status="registered")),
        waiting=Count("registrations", filter=Q(registrations__status="waitlisted")),
    ):
        assert event.registered_count == event.registered, event.slug
        assert event.waitlist_count == event.waiting, event.slug
        if event.capacity is not None:
            assert event.registered_count <= event.capacity
        waiting = event.registrations.filter(status="waitlisted")
        assert not waiting.filter(waitlisted_at__isnull=True).exists()
        assert not event.registrations.filter(
            status="registered", registered_at__isnull=True
        ).exists()


def test_at_least_two_events_are_full_with_a_waiting_list(demo: None) -> None:
    full = [
        event
        for event in Event.objects.filter(status=Event.Status.PUBLISHED, waitlist_count__gt=0)
        if event.is_full
    ]
    assert len(full) >= 2


def test_the_journeys_workshop_is_upcoming_full_and_without_the_volunteer(demo: None) -> None:
    workshop = Event.objects.get(slug=JOURNEY_WORKSHOP)
    assert workshop.kind == EventKind.WORKSHOP
    assert workshop.status == Event.Status.PUBLISHED
    assert workshop.starts_at is not None and workshop.starts_at > timezone.now()
    assert workshop.registration_closes_at is not None
    assert workshop.registration_closes_at > timezone.now()
    assert workshop.is_full and workshop.waitlist_count >= 1
    assert not workshop.registrations.filter(user__email=VOLUNTEER).exists()


def test_one_lab_event_is_cancelled_with_a_reason_and_holds_no_places(demo: None) -> None:
    cancelled = Event.objects.get(status=Event.Status.CANCELLED)
    assert cancelled.project is None
    assert cancelled.cancellation_reason
    assert cancelled.registered_count == cancelled.waitlist_count == 0
    assert not cancelled.registrations.exclude(status="cancelled").exists()


def test_organisers_speakers_and_tags_come_from_the_demo_people_and_vocabularies(
    demo: None,
) -> None:
    organisers = set(
        EventPerson.objects.filter(role=EventPersonRole.ORGANISER).values_list(
            "user__email", flat=True
        )
    )
    assert {
        "trainer@demo.cslab.test",
        "staff@demo.cslab.test",
        "researcher@demo.cslab.test",
    } <= organisers
    assert EventPerson.objects.filter(role=EventPersonRole.SPEAKER, user__isnull=True).exists()
    allowed = {
        EventTagKind.FACULTY: set(Faculty.values),
        EventTagKind.DOMAIN: set(ResearchDomain.values),
        EventTagKind.AUDIENCE: set(Audience.values),
    }
    for tag in EventTag.objects.all():
        assert tag.value in allowed[EventTagKind(tag.kind)]
    assert Event.objects.filter(ask_dietary_needs=True).exists()
    assert Event.objects.filter(ask_organisation=True).exists()


def test_past_events_have_attendance_feedback_and_one_a_published_recording(demo: None) -> None:
    now = timezone.now()
    past = Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__lt=now)
    for event in past:
        assert event.registrations.filter(attended_at__isnull=False).exists(), event.slug
        assert event.feedback.exists(), event.slug
    upcoming = Event.objects.filter(starts_at__gt=now)
    assert not Registration.objects.filter(event__in=upcoming, attended_at__isnull=False).exists()
    scores = set(EventFeedback.objects.values_list("overall", flat=True))
    assert {1, 2, 3, 4, 5} <= scores
    assert EventFeedback.objects.exclude(comment="").count() >= 5
    recordings = EventResource.objects.filter(relation=EventResourceRelation.RECORDING)
    assert recordings.count() >= 1
    for link in recordings.select_related("resource", "event"):
        assert link.resource.kind == "recording"
        assert link.resource.status == Resource.Status.PUBLISHED
        assert link.event.ends_at is not None and link.event.ends_at < now
    assert EventResource.objects.filter(relation=EventResourceRelation.MATERIAL).count() >= 10
    assert EventProject.objects.exists()


def test_three_modules_with_lessons_quizzes_and_a_prerequisite_chain(demo: None) -> None:
    modules = {module.slug: module for module in TrainingModule.objects.all()}
    assert set(modules) == {INTRODUCTION, DATA_QUALITY, SPECIES}
    assert {slug: module.lessons.count() for slug, module in modules.items()} == {
        INTRODUCTION: 3,
        DATA_QUALITY: 4,
        SPECIES: 3,
    }
    for module in modules.values():
        assert module.status == TrainingModule.Status.PUBLISHED
        assert module.published_at is not None
        quizzes = module.lessons.filter(pass_mark_percent__isnull=False)
        assert quizzes.exists(), module.slug
        for lesson in quizzes:
            for question in lesson.questions.all():
                assert question.explanation
                assert question.choices.filter(correct=True).exists()
                assert question.choices.filter(correct=False).exists()
        for lesson in module.lessons.all():
            assert len(lesson.body) > 400
            assert "\n- " in lesson.body or "\n1. " in lesson.body
            assert "](" in lesson.body or lesson.video_url
    lessons = list(modules[DATA_QUALITY].lessons.order_by("position"))
    for before, after in pairwise(lessons):
        assert list(after.prerequisites.all()) == [before]
    assert Lesson.objects.filter(video_url__startswith="https://www.youtube.com/").exists()


def test_progress_certificates_and_the_role_requirement(demo: None) -> None:
    data_quality = TrainingModule.objects.get(slug=DATA_QUALITY)
    certificate = Certificate.objects.get(user__email="researcher@demo.cslab.test")
    assert certificate.module == data_quality
    assert certificate.show_on_profile
    done = LessonCompletion.objects.filter(user=certificate.user, lesson__module=data_quality)
    assert done.count() == data_quality.lessons.count()
    assert not Certificate.objects.filter(user__email=VOLUNTEER, module__slug=INTRODUCTION).exists()
    assert not LessonCompletion.objects.filter(
        user__email=VOLUNTEER, lesson__module__slug=INTRODUCTION
    ).exists()
    for completion in LessonCompletion.objects.filter(lesson__pass_mark_percent__isnull=False):
        assert QuizAttempt.objects.filter(
            user=completion.user, lesson=completion.lesson, passed=True
        ).exists()
    assert QuizAttempt.objects.filter(passed=False).exists()
    requirement = RoleRequirement.objects.get()
    assert requirement.role == ProjectRole.MODERATOR
    assert requirement.module == data_quality
