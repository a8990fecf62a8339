"""The organiser's dashboard: sign-ups over time (an SVG chart with its table), places, waiting
list in order, cancellations, attendance rate after the event, feedback scores, resources."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cslab.core.errors import NotFoundError, PermissionDeniedError
from cslab.events.models import Event, EventFeedback, Registration
from cslab.events.selectors.dashboard import chart_bars, cumulative_days, event_dashboard
from tests.events.factories import make_event, make_registration

pytestmark = pytest.mark.django_db


def test_cumulative_days_and_bars_are_laid_out_in_the_chart_box() -> None:
    today = timezone.now().date()
    days = cumulative_days([(today - timedelta(days=1), 2), (today, 3)])
    assert [day.cumulative for day in days] == [2, 5]
    bars, top = chart_bars(days)
    assert top == 5
    assert bars[1].height == 200
    assert bars[0].height == 80
    assert bars[0].x < bars[1].x


def test_dashboard_counts_places_waitlist_cancellations_and_attendance(
    trainer: Any, make_user: Any
) -> None:
    event = make_event(created_by=trainer, capacity=2, starts_at=timezone.now() - timedelta(days=1))
    came = make_registration(event=event, user=make_user(), attended_at=timezone.now())
    make_registration(event=event, user=make_user())
    first_waiting = make_registration(
        event=event, user=make_user(), status=Registration.Status.WAITLISTED
    )
    second_waiting = make_registration(
        event=event, user=make_user(), status=Registration.Status.WAITLISTED
    )
    Registration.objects.filter(pk=second_waiting.pk).update(
        waitlisted_at=first_waiting.waitlisted_at + timedelta(minutes=1)
    )
    make_registration(event=event, user=make_user(), status=Registration.Status.CANCELLED)
    EventFeedback.objects.create(
        event=event,
        user=came.user,
        overall=4,
        usefulness=2,
        would_recommend=True,
        comment="More breaks",
    )
    EventFeedback.objects.create(event=event, user=make_user(), overall=2, would_recommend=False)
    board = event_dashboard(trainer, event.slug)
    assert board.places_taken == 2
    assert board.places_left == 0
    assert [(position, item.pk) for position, item in board.waitlist] == [
        (1, first_waiting.pk),
        (2, second_waiting.pk),
    ]
    assert board.cancellations == 1
    assert board.attendance_rate == 0.5
    assert board.days[-1].cumulative == 5
    assert board.feedback.overall_average == 3
    assert board.feedback.usefulness_average == 2
    assert board.feedback.recommend_share == 0.5
    assert dict(board.feedback.distribution) == {5: 0, 4: 1, 3: 0, 2: 1, 1: 0}
    assert [answer.comment for answer in board.feedback.comments] == ["More breaks"]


def test_attendance_rate_waits_until_the_event_has_ended(trainer: Any, volunteer: Any) -> None:
    event = make_event(created_by=trainer)
    make_registration(event=event, user=volunteer)
    assert event_dashboard(trainer, event.slug).attendance_rate is None


def test_dashboard_is_404_for_who_may_not_see_and_403_for_who_may_not_manage(
    trainer: Any, volunteer: Any
) -> None:
    draft = make_event(created_by=trainer, status=Event.Status.DRAFT)
    published = make_event(created_by=trainer)
    with pytest.raises(NotFoundError):
        event_dashboard(volunteer, draft.slug)
    with pytest.raises(PermissionDeniedError):
        event_dashboard(volunteer, published.slug)


def test_dashboard_page_draws_an_accessible_chart_with_its_table(
    client: Any, trainer: Any, make_user: Any
) -> None:
    event = make_event(created_by=trainer)
    make_registration(event=event, user=make_user())
    client.force_login(trainer)
    response = client.get(reverse("event_dashboard", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in text
    assert '<title id="chart-title">' in text and '<desc id="chart-desc">' in text
    assert "<table" in text and "<rect" in text
    assert "<script" not in text.split("<main", 1)[-1].split("</main>", 1)[0]
