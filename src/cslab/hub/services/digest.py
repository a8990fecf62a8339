"""The weekly digest: one e-mail per person with what is new in the searches they follow.

A week runs Monday 00:00 to the next Monday 00:00 in Europe/Amsterdam, the Lab's time zone.
For each person following at least one search, the resources published that week that match
any of their searches (through the search's own `resource_matching`, over the listed
resources only), the week's new case studies and what other areas registered
(`hub.digest.register_digest_section`) make one e-mail in the person's language. Nothing new:
no e-mail. A `DigestDelivery` row is inserted before the e-mail is handed over (after the
commit); its unique constraint makes a rerun of the same week send nothing twice.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.site import site_absolute_url
from cslab.core.tasks import send_email
from cslab.core.unsubscribe import list_unsubscribe_headers
from cslab.hub.digest import (
    DigestGroup,
    DigestItem,
    DigestSection,
    FollowedSearch,
    digest_group,
    digest_item_count,
    digest_registered_sections,
)
from cslab.hub.models import DigestDelivery, Resource, Subscription
from cslab.hub.queries import search_params_from_query
from cslab.hub.selectors.resources import resource_list_listed
from cslab.hub.selectors.search import resource_matching
from cslab.hub.vocabulary import ResourceKind
from cslab.notifications.selectors import notification_email_allowed
from cslab.notifications.vocabulary import NotificationCategory

logger = logging.getLogger(__name__)

WEEK_TIME_ZONE = ZoneInfo("Europe/Amsterdam")
# The search page; a followed search's link is this path with the search's query string.
SUMMARY_LENGTH = 300

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class DigestRun:
    """What one run of a week's digest did."""

    week_start: date
    people: int = 0
    sent: int = 0
    nothing_new: int = 0
    already_sent: int = 0
    email_off: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "week_start": self.week_start.isoformat(),
            "people": self.people,
            "sent": self.sent,
            "nothing_new": self.nothing_new,
            "already_sent": self.already_sent,
            "email_off": self.email_off,
        }


def digest_week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """Return the week's first moment and the first moment after it (Europe/Amsterdam)."""
    start = datetime.combine(week_start, time.min, tzinfo=WEEK_TIME_ZONE)
    end = datetime.combine(week_start + timedelta(days=7), time.min, tzinfo=WEEK_TIME_ZONE)
    return start, end


def digest_last_full_week(now: datetime) -> date:
    """Return the Monday of the last week (Monday–Sunday) that ended before `now`."""
    today = now.astimezone(WEEK_TIME_ZONE).date()
    return today - timedelta(days=today.weekday() + 7)


def digest_send_week(*, week_start: date, report_progress: Progress | None = None) -> DigestRun:
    """Send the digest of the week starting on Monday `week_start` to everyone it concerns.

    Each person is one transaction: the delivery row is inserted first and the e-mail is
    handed to the task backend after the commit, so a person never gets a week's digest twice,
    even when two runs overlap.
    """
    if week_start.weekday() != 0:
        raise InvalidInputError(
            _("A digest week starts on a Monday."), code=ProblemCode.INVALID_INPUT
        )
    progress = report_progress or _no_progress
    start, end = digest_week_bounds(week_start)
    new_resources = resource_list_listed().filter(published_at__gte=start, published_at__lt=end)
    people = list(
        get_user_model()
        .objects.filter(hub_subscriptions__isnull=False, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    sent = nothing_new = already_sent = email_off = 0
    for number, person in enumerate(people, start=1):
        # The person's notification preferences: "never by e-mail" for digests stops this one.
        if not notification_email_allowed(person, NotificationCategory.DIGESTS):
            email_off += 1
            outcome = "email_off"
        else:
            outcome = _digest_send_to(person, week_start, new_resources)
        sent += outcome == "sent"
        nothing_new += outcome == "nothing_new"
        already_sent += outcome == "already_sent"
        progress(
            round(100 * number / len(people)),
            f"{number}/{len(people)}",
        )
    run = DigestRun(
        week_start=week_start,
        people=len(people),
        sent=sent,
        nothing_new=nothing_new,
        already_sent=already_sent,
        email_off=email_off,
    )
    logger.info("hub digest of week %s: %s", week_start, run.as_dict())
    return run


def _no_progress(percent: int, message: str) -> None:
    """Progress goes nowhere when the digest is not run as a job."""


def _digest_send_to(person: Any, week_start: date, new_resources: Any) -> str:
    language = getattr(person, "preferred_language", "") or settings.LANGUAGE_CODE
    subscriptions = list(
        Subscription.objects.filter(user_id=person.pk).order_by("created_at", "pk")
    )
    if not subscriptions:
        return "nothing_new"
    with translation.override(language):
        groups, sections = _digest_content(person, week_start, subscriptions, new_resources)
        count = digest_item_count(groups, sections)
        if not count:
            return "nothing_new"
        message = _digest_message(person, week_start, subscriptions, groups, sections)
    with transaction.atomic():
        try:
            with transaction.atomic():
                DigestDelivery.objects.create(
                    user_id=person.pk, week_start=week_start, item_count=count
                )
        except IntegrityError:
            return "already_sent"
        transaction.on_commit(lambda: send_email.enqueue(**message))
    return "sent"


def _digest_content(
    person: Any, week_start: date, subscriptions: list[Subscription], new_resources: Any
) -> tuple[list[DigestGroup], list[DigestSection]]:
    case_studies = [
        _item(resource)
        for resource in new_resources.filter(kind=ResourceKind.CASE_STUDY).order_by(
            "-published_at", "pk"
        )
    ]
    matches: list[tuple[FollowedSearch, list[DigestItem]]] = []
    for subscription in subscriptions:
        params = search_params_from_query(QueryDict(subscription.query))
        if params.is_empty:
            continue
        resources = resource_matching(new_resources, params).order_by("-published_at", "pk")
        matches.append((_followed(subscription), [_item(resource) for resource in resources]))
    groups = digest_group(matches, shown_elsewhere=frozenset(item.url for item in case_studies))
    sections: list[DigestSection] = []
    if case_studies:
        sections.append(
            DigestSection(
                name="case_studies",
                title=_("New case studies"),
                introduction=_("How projects of the Lab went, what they produced and changed."),
                items=tuple(case_studies),
            )
        )
    for name, function in digest_registered_sections():
        try:
            section = function(person, week_start, week_start + timedelta(days=7))
        except Exception:
            # One area's failing section must not keep everyone's digest from being sent.
            logger.exception("digest section %s failed for person %s", name, person.pk)
            continue
        if section is not None and section.items:
            sections.append(section)
    return groups, sections


def _followed(subscription: Subscription) -> FollowedSearch:
    return FollowedSearch(
        label=subscription.label,
        search_url=site_absolute_url(f"{reverse('hub_search')}?{subscription.query}"),
        unsubscribe_url=site_absolute_url(
            reverse("hub_unsubscribe", kwargs={"token": subscription.token})
        ),
    )


def _item(resource: Resource) -> DigestItem:
    summary = " ".join(resource.summary.split())
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1].rstrip() + "…"
    return DigestItem(
        title=resource.title,
        url=site_absolute_url(resource.get_absolute_url()),
        summary=summary,
        kind=str(ResourceKind(resource.kind).label) if resource.kind in ResourceKind.values else "",
        published_at=resource.published_at,
    )


def _digest_message(
    person: Any,
    week_start: date,
    subscriptions: list[Subscription],
    groups: list[DigestGroup],
    sections: list[DigestSection],
) -> dict[str, Any]:
    """Render the e-mail (in the active language) as the arguments of the send_email task."""
    # The person's whole digest stops with one click: every token names the person.
    stop_all_url = site_absolute_url(
        reverse("hub_unsubscribe", kwargs={"token": subscriptions[0].token})
    )
    context = {
        "person": person,
        "week_start": week_start,
        "week_end": week_start + timedelta(days=6),
        "groups": groups,
        "sections": sections,
        "item_count": digest_item_count(groups, sections),
        "following_url": site_absolute_url(reverse("hub_following")),
        "hub_url": site_absolute_url(reverse("hub_search")),
        "stop_all_url": stop_all_url,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    subject = " ".join(render_to_string("hub/email/digest_subject.txt", context).split())
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return {
        "subject": f"{prefix}{subject}",
        "body": render_to_string("hub/email/digest.txt", context),
        "html_body": render_to_string("hub/email/digest.html", context),
        "to": [person.email],
        "headers": list_unsubscribe_headers(stop_all_url),
    }
