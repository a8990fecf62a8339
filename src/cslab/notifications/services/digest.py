"""The daily digest: one e-mail a day listing the notifications a person chose to get daily.

A person's day is their own: midnight to midnight in the time zone of their profile, else the
site's (TIME_ZONE). A run looks, for each person with at least one category on "daily", at
the day before the run's moment in their zone (or the day it is given), so running it every
hour sends each person's digest soon after their midnight. The digest lists the notifications
of that day in their daily categories that no e-mail has told yet, grouped by category, in
their language, with an unsubscribe link per category. A day with nothing sends nothing.

At most one digest per person and day: the `DailyDigestDelivery` row is inserted first, in
the same transaction that stamps the notifications as e-mailed, and the e-mail is handed over
after the commit; its unique constraint turns a second run (or two at once) into no e-mail.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cslab.accounts.models import User
from cslab.core.site import site_absolute_url
from cslab.core.tasks import send_email
from cslab.core.time_zones import zone_or_none
from cslab.core.unsubscribe import list_unsubscribe_headers
from cslab.notifications.models import DailyDigestDelivery, Notification, NotificationPreference
from cslab.notifications.unsubscribe import unsubscribe_url
from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory

logger = logging.getLogger(__name__)

# A digest lists at most this many notifications (the rest are counted, and in the app).
MAX_LISTED = 200

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class DailyDigestRun:
    """What one run of the daily digest did."""

    people: int = 0
    sent: int = 0
    nothing_new: int = 0
    already_sent: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "people": self.people,
            "sent": self.sent,
            "nothing_new": self.nothing_new,
            "already_sent": self.already_sent,
        }


@dataclass(frozen=True)
class DigestEntry:
    text: str
    url: str
    created_at: datetime


@dataclass(frozen=True)
class DigestCategory:
    label: str
    entries: list[DigestEntry]
    unsubscribe_url: str


def person_zone(person: Any) -> ZoneInfo:
    """The zone a person's day is counted in: their profile's, else the site's."""
    return (
        zone_or_none(getattr(person, "time_zone", "") or "")
        or zone_or_none(settings.TIME_ZONE)
        or ZoneInfo("UTC")
    )


def digest_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The first moment of `day` in `zone` and the first moment after it."""
    return (
        datetime.combine(day, time.min, tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone),
    )


def notification_digest_send(
    *,
    now: datetime | None = None,
    day: date | None = None,
    report_progress: Progress | None = None,
) -> DailyDigestRun:
    """Send the daily digests that are due: each person's previous day (or `day`).

    Each person is one transaction, so one person's failure leaves the others' sent.
    """
    now = now or timezone.now()
    progress = report_progress or _no_progress
    daily: dict[Any, list[str]] = defaultdict(list)
    for user_id, category in (
        NotificationPreference.objects.filter(email=EmailFrequency.DAILY, user__is_active=True)
        .exclude(user__email="")
        .order_by("user_id", "category")
        .values_list("user_id", "category")
    ):
        daily[user_id].append(category)
    people = User.objects.filter(pk__in=list(daily)).order_by("pk")
    total = len(daily)
    sent = nothing_new = already_sent = 0
    for number, person in enumerate(people.iterator(), start=1):
        zone = person_zone(person)
        person_day = day or now.astimezone(zone).date() - timedelta(days=1)
        outcome = _digest_send_to(person, person_day, zone, daily[person.pk], now)
        sent += outcome == "sent"
        nothing_new += outcome == "nothing_new"
        already_sent += outcome == "already_sent"
        progress(round(100 * number / total), f"{number}/{total}")
    run = DailyDigestRun(
        people=total, sent=sent, nothing_new=nothing_new, already_sent=already_sent
    )
    logger.info("daily notification digest: %s", run.as_dict())
    return run


def _no_progress(percent: int, message: str) -> None:
    """Progress goes nowhere when the digest is not run as a job."""


def _digest_send_to(
    person: User, day: date, zone: ZoneInfo, categories: list[str], now: datetime
) -> str:
    start, end = digest_day_bounds(day, zone)
    waiting = Notification.objects.filter(
        recipient_id=person.pk,
        category__in=categories,
        emailed_at__isnull=True,
        created_at__gte=start,
        created_at__lt=end,
    )
    if not waiting.exists():
        return "nothing_new"
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery = DailyDigestDelivery.objects.create(user=person, day=day)
        except IntegrityError:
            return "already_sent"
        # Claimed by this run's moment: a row another sender stamped meanwhile is not listed.
        waiting.update(emailed_at=now)
        claimed = list(
            Notification.objects.filter(
                recipient_id=person.pk, emailed_at=now, created_at__gte=start, created_at__lt=end
            ).order_by("created_at", "pk")
        )
        if not claimed:
            delivery.delete()
            return "nothing_new"
        delivery.notification_count = len(claimed)
        delivery.save(update_fields=["notification_count"])
        message = _digest_message(person, day, zone, claimed)
        transaction.on_commit(lambda: send_email.enqueue(**message))
    return "sent"


def _digest_message(
    person: User, day: date, zone: ZoneInfo, notifications: list[Notification]
) -> dict[str, Any]:
    """Render the digest in the person's language and zone as the send_email task's
    arguments."""
    listed = notifications[:MAX_LISTED]
    by_category: dict[str, list[Notification]] = defaultdict(list)
    for notification in listed:
        by_category[notification.category or NotificationCategory.OTHER].append(notification)
    categories_in_digest = sorted({n.category or NotificationCategory.OTHER for n in notifications})
    stop_all_url = unsubscribe_url(person, categories_in_digest)
    with (
        translation.override(person.preferred_language or settings.LANGUAGE_CODE),
        timezone.override(zone),
    ):
        groups = [
            DigestCategory(
                label=str(NotificationCategory(category).label),
                entries=[
                    DigestEntry(
                        text=notification.render(),
                        url=site_absolute_url(notification.url)
                        if notification.url.startswith("/")
                        else notification.url,
                        created_at=notification.created_at,
                    )
                    for notification in by_category[category]
                ],
                unsubscribe_url=unsubscribe_url(person, [category]),
            )
            for category in NotificationCategory.values
            if by_category.get(category)
        ]
        context = {
            "person": person,
            "day": day,
            "groups": groups,
            "count": len(notifications),
            "more": len(notifications) - len(listed),
            "inbox_url": site_absolute_url(reverse("notification_list")),
            "preferences_url": site_absolute_url(reverse("notification_preferences")),
            "stop_all_url": stop_all_url,
            "site_name": settings.SITE_NAME,
        }
        subject = " ".join(
            render_to_string("notifications/email/digest_subject.txt", context).split()
        )
        body = render_to_string("notifications/email/digest.txt", context)
    return {
        "subject": f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        "body": body,
        "to": [person.email],
        "headers": list_unsubscribe_headers(stop_all_url),
    }
