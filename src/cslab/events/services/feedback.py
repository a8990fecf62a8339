"""The feedback survey: attendees answer it once, and are asked once by e-mail after the event.

A second answer is refused with a conflict (the unique constraint decides), so a score is never
silently replaced. `feedback_requests_send` writes a `FeedbackRequest` row per attendee before
the e-mail is handed over (after the commit): a rerun of the job sends nobody a second one.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from cslab.core.problems import ProblemCode
from cslab.core.services.jobs import ProgressReporter
from cslab.core.site import site_absolute_url
from cslab.core.tasks import send_email
from cslab.core.time_zones import zone_or_none
from cslab.events.models import Event, EventFeedback, FeedbackRequest, Registration
from cslab.notifications.selectors import notification_email_allowed
from cslab.notifications.vocabulary import NotificationCategory

logger = logging.getLogger(__name__)

# Events that ended longer ago than this are not asked about any more.
REQUEST_WITHIN = timedelta(days=14)
SCORES = range(1, 6)


def feedback_is_open(event: Event, now: datetime | None = None) -> bool:
    return event.starts_at is not None and event.starts_at <= (now or timezone.now())


def has_attended(event: Event, person_id: int | None) -> bool:
    if person_id is None:
        return False
    return Registration.objects.filter(
        event=event,
        user_id=person_id,
        status=Registration.Status.REGISTERED,
        attended_at__isnull=False,
    ).exists()


@transaction.atomic
def feedback_give(
    *,
    actor: Actor,
    event: Event,
    overall: int,
    usefulness: int | None = None,
    would_recommend: bool | None = None,
    comment: str = "",
) -> EventFeedback:
    """Record an attendee's answers to the survey, once.

    PermissionDeniedError for someone who did not attend; InvalidInputError before the first
    session starts; ConflictError for a second answer.
    """
    permissions.require(actor, "events.event.view", event)
    person = signed_in(actor)
    if not has_attended(event, person.pk):
        raise PermissionDeniedError(
            _("Only people who attended the event can give feedback on it."),
            code=ProblemCode.NOT_ATTENDED,
        )
    if not feedback_is_open(event):
        raise InvalidInputError(
            _("Feedback opens when the event starts."), code=ProblemCode.FEEDBACK_NOT_OPEN
        )
    scores = {"overall": overall, "usefulness": usefulness}
    for name, score in scores.items():
        if score is not None and score not in SCORES:
            message = _("Give a score from 1 to 5.")
            raise InvalidInputError(message, details={name: [message]})
    feedback = EventFeedback(
        event=event,
        user=person,
        overall=overall,
        usefulness=usefulness,
        would_recommend=would_recommend,
        comment=(comment or "").strip(),
    )
    try:
        feedback.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise InvalidInputError(
            _("The answers are not valid."), details=error.message_dict
        ) from None
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as error:
        raise ConflictError(
            _("You have already given feedback on this event. Thank you!"),
            code=ProblemCode.FEEDBACK_ALREADY_GIVEN,
        ) from error
    return feedback


@dataclass
class FeedbackRequestRun:
    sent: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "skipped": self.skipped}


def feedback_requests_send(
    *, now: datetime | None = None, report_progress: ProgressReporter | None = None
) -> FeedbackRequestRun:
    """Send "How was it?" to every attendee of events that ended in the last REQUEST_WITHIN
    and who has neither been asked nor answered, unless they chose "never" for event e-mails.
    Each person is one transaction."""
    moment = now or timezone.now()
    registrations = list(
        Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            attended_at__isnull=False,
            event__status=Event.Status.PUBLISHED,
            event__ends_at__lte=moment,
            event__ends_at__gte=moment - REQUEST_WITHIN,
            feedback_request__isnull=True,
        )
        .exclude(user__email="")
        .select_related("event", "user")
        .order_by("pk")
    )
    run = FeedbackRequestRun()
    for number, registration in enumerate(registrations, start=1):
        answered = EventFeedback.objects.filter(
            event_id=registration.event_id, user_id=registration.user_id
        ).exists()
        # "How was it?" is an event e-mail: a person who chose "never" for event e-mails is
        # not asked (the survey page stays open to them from the event's page).
        wanted = notification_email_allowed(registration.user, NotificationCategory.EVENT_REMINDERS)
        if answered or not wanted or not _request_send(registration):
            run.skipped += 1
        else:
            run.sent += 1
        if report_progress is not None:
            report_progress(
                int(number * 100 / len(registrations)), f"{number}/{len(registrations)}"
            )
    return run


def _request_send(registration: Registration) -> bool:
    """Store the request and hand the e-mail over after commit; False if it was already sent."""
    person = registration.user
    event = registration.event
    try:
        with transaction.atomic():
            FeedbackRequest.objects.create(registration=registration)
            language = person.preferred_language or "en"
            with (
                translation.override(language),
                timezone.override(
                    zone_or_none(person.time_zone) or timezone.get_default_timezone()
                ),
            ):
                context = {
                    "person": person,
                    "event": event,
                    "feedback_url": site_absolute_url(
                        reverse("event_feedback", kwargs={"slug": event.slug})
                    ),
                }
                subject = _("How was it? %(title)s") % {"title": event.title}
                body = render_to_string("events/email/feedback_request.txt", context)
            recipient = [person.email]
            transaction.on_commit(
                lambda: send_email.enqueue(subject=subject, body=body, to=recipient)
            )
    except IntegrityError:
        logger.info("feedback request for registration %s was already sent", registration.pk)
        return False
    return True
