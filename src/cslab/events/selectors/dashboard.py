"""The organiser's reads: the dashboard, the attendance list, the linked recordings.

Every function takes the viewer and starts from `event_get_for_managing` (404 for those who may
not see the event, 403 for those who may see it but not manage it), except the event page's
own `event_published_recordings`, which lists only what any viewer may open.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from cslab.core.actors import Actor
from cslab.events.models import Event, EventFeedback, EventResource, Registration
from cslab.events.selectors.events import event_get_for_managing
from cslab.events.vocabulary import EventResourceRelation
from cslab.hub import states

CHART_WIDTH = 600
CHART_HEIGHT = 200


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int
    cumulative: int


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    day: date
    cumulative: int


@dataclass
class FeedbackScores:
    count: int = 0
    overall_average: float | None = None
    usefulness_average: float | None = None
    distribution: list[tuple[int, int]] = field(default_factory=list)
    recommend_share: float | None = None
    comments: list[EventFeedback] = field(default_factory=list)


@dataclass
class Dashboard:
    event: Event
    days: list[DayCount]
    bars: list[ChartBar]
    chart_max: int
    places_taken: int
    places_left: int | None
    waitlist: list[tuple[int, Registration]]
    cancellations: int
    attended: int
    attendance_rate: float | None
    feedback: FeedbackScores
    resources: list[EventResource]


def event_dashboard(viewer: Actor, slug: str, now: datetime | None = None) -> Dashboard:
    """Return everything the organiser's dashboard shows for the event."""
    event = event_get_for_managing(viewer, slug)
    moment = now or timezone.now()
    registrations = Registration.objects.filter(event=event)
    per_day = (
        registrations.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    days = cumulative_days([(row["day"], row["count"]) for row in per_day])
    bars, chart_max = chart_bars(days)
    counts = dict(registrations.values_list("status").annotate(count=Count("pk")).order_by())
    attended = registrations.filter(
        status=Registration.Status.REGISTERED, attended_at__isnull=False
    ).count()
    registered = counts.get(Registration.Status.REGISTERED, 0)
    ended = event.ends_at is not None and event.ends_at <= moment
    return Dashboard(
        event=event,
        days=days,
        bars=bars,
        chart_max=chart_max,
        places_taken=event.registered_count,
        places_left=event.places_left,
        waitlist=event_waitlist(event),
        cancellations=counts.get(Registration.Status.CANCELLED, 0),
        attended=attended,
        attendance_rate=(attended / registered) if ended and registered else None,
        feedback=feedback_scores(event),
        resources=list(
            EventResource.objects.filter(event=event)
            .select_related("resource")
            .order_by("position", "pk")
        ),
    )


def event_waitlist(event: Event) -> list[tuple[int, Registration]]:
    """The waiting list in the order places are offered, each with its position (from 1)."""
    waiting = (
        Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
        .select_related("user")
        .order_by("waitlisted_at", "pk")
    )
    return list(enumerate(waiting, start=1))


def event_attendance_list(viewer: Actor, slug: str) -> tuple[Event, list[Registration]]:
    """The event and the people with a place, by name, for marking attendance."""
    event = event_get_for_managing(viewer, slug)
    registered = sorted(
        Registration.objects.filter(event=event, status=Registration.Status.REGISTERED)
        .select_related("user")
        .order_by("pk"),
        key=lambda registration: str(registration.user.public_name).casefold(),
    )
    return event, registered


def event_published_recordings(event: Event) -> list[EventResource]:
    """The event's linked resources that anyone may open (published hub resources)."""
    return list(
        EventResource.objects.filter(event=event, resource__status__in=sorted(states.PUBLIC))
        .select_related("resource")
        .order_by("position", "pk")
    )


def event_pending_recordings(event: Event) -> int:
    """How many recordings or slides of the event wait for a curator."""
    return EventResource.objects.filter(
        event=event,
        relation__in=[EventResourceRelation.RECORDING, EventResourceRelation.SLIDES],
        resource__status=states.SUBMITTED,
    ).count()


def feedback_scores(event: Event) -> FeedbackScores:
    answers = list(EventFeedback.objects.filter(event=event).order_by("-created_at", "-pk"))
    if not answers:
        return FeedbackScores(distribution=[(score, 0) for score in range(5, 0, -1)])
    usefulness = [answer.usefulness for answer in answers if answer.usefulness is not None]
    recommend = [answer.would_recommend for answer in answers if answer.would_recommend is not None]
    overall = Counter(answer.overall for answer in answers)
    return FeedbackScores(
        count=len(answers),
        overall_average=sum(answer.overall for answer in answers) / len(answers),
        usefulness_average=(sum(usefulness) / len(usefulness)) if usefulness else None,
        distribution=[(score, overall.get(score, 0)) for score in range(5, 0, -1)],
        recommend_share=(sum(1 for value in recommend if value) / len(recommend))
        if recommend
        else None,
        comments=[answer for answer in answers if answer.comment],
    )


def cumulative_days(per_day: list[tuple[date, int]]) -> list[DayCount]:
    """Return the sign-ups per day with the running total. Pure."""
    total = 0
    days = []
    for day, count in per_day:
        total += count
        days.append(DayCount(day=day, count=count, cumulative=total))
    return days


def chart_bars(days: list[DayCount]) -> tuple[list[ChartBar], int]:
    """Lay out one bar per day, its height the running total, in a CHART_WIDTH × CHART_HEIGHT
    box. Pure; return the bars and the top of the scale."""
    if not days:
        return [], 0
    top = max(day.cumulative for day in days) or 1
    slot = CHART_WIDTH / len(days)
    width = max(1.0, slot * 0.8)
    bars = []
    for index, day in enumerate(days):
        height = CHART_HEIGHT * day.cumulative / top
        bars.append(
            ChartBar(
                x=round(index * slot + (slot - width) / 2, 2),
                y=round(CHART_HEIGHT - height, 2),
                width=round(width, 2),
                height=round(height, 2),
                day=day.day,
                cumulative=day.cumulative,
            )
        )
    return bars, top
