"""The knowledge hub's part of a person's data export: resources they submitted or are an
author of, case studies naming them, their ratings, comments, flags, "used in my project"
notes, curation reviews and endorsements (staff), and the searches they follow."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.hub.models import (
    CaseStudyPerson,
    DigestDelivery,
    Endorsement,
    Rating,
    Resource,
    ResourceAuthor,
    ResourceComment,
    ResourceCommentFlag,
    ResourceUse,
    ResourceVersion,
    Review,
    Subscription,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _resources(user: User) -> Iterator[dict[str, Any]]:
    authored = ResourceAuthor.objects.filter(user=user).values("resource_id")
    resources = (
        Resource.objects.filter(Q(submitted_by=user) | Q(pk__in=authored))
        .distinct()
        .order_by("created_at", "id")
    )
    for resource in resources.iterator(chunk_size=500):
        yield {
            "title": resource.title,
            "slug": resource.slug,
            "kind": resource.kind,
            "status": resource.status,
            "you_submitted_it": resource.submitted_by_id == user.pk,
            "summary": resource.summary,
            "submitted_at": _iso(resource.submitted_at),
            "published_at": _iso(resource.published_at),
        }


def _authorships(user: User) -> Iterator[dict[str, Any]]:
    rows = ResourceAuthor.objects.filter(user=user).select_related("resource").order_by("id")
    for author in rows.iterator(chunk_size=500):
        yield {"resource": author.resource.title, "name": author.name, "position": author.position}


def _versions(user: User) -> Iterator[dict[str, Any]]:
    rows = ResourceVersion.objects.filter(created_by=user).select_related("resource")
    for version in rows.order_by("created_at", "id").iterator(chunk_size=200):
        yield {
            "resource": version.resource.title,
            "number": version.number,
            "change_note": version.change_note,
            "content": version.content,
            "created_at": _iso(version.created_at),
        }


def _case_study_mentions(user: User) -> Iterator[dict[str, Any]]:
    rows = CaseStudyPerson.objects.filter(user=user).select_related("case_study__resource")
    for person in rows.order_by("id").iterator(chunk_size=500):
        yield {
            "case_study": person.case_study.resource.title,
            "name": person.name,
            "role": person.role,
        }


def _ratings(user: User) -> Iterator[dict[str, Any]]:
    rows = Rating.objects.filter(user=user).select_related("resource").order_by("created_at")
    for rating in rows.iterator(chunk_size=500):
        yield {
            "resource": rating.resource.title,
            "stars": rating.stars,
            "created_at": _iso(rating.created_at),
            "updated_at": _iso(rating.updated_at),
        }


def _comments(user: User) -> Iterator[dict[str, Any]]:
    rows = ResourceComment.objects.filter(author=user).select_related("resource")
    for comment in rows.order_by("created_at", "id").iterator(chunk_size=500):
        yield {
            "resource": comment.resource.title,
            "comment": comment.text,
            "posted": _iso(comment.created_at),
            "hidden": comment.hidden_at is not None,
            "hidden_reason": comment.hidden_reason,
        }


def _flags(user: User) -> Iterator[dict[str, Any]]:
    rows = ResourceCommentFlag.objects.filter(user=user).select_related("comment__resource")
    for flag in rows.order_by("created_at", "id").iterator(chunk_size=500):
        # The flagged comment is someone else's: only the resource it was on.
        yield {
            "resource": flag.comment.resource.title,
            "reason": flag.reason,
            "created_at": _iso(flag.created_at),
        }


def _uses(user: User) -> Iterator[dict[str, Any]]:
    rows = ResourceUse.objects.filter(added_by=user).select_related("resource", "project")
    for use in rows.order_by("created_at", "id").iterator(chunk_size=500):
        yield {
            "resource": use.resource.title,
            "project": use.project.name,
            "note": use.note,
            "created_at": _iso(use.created_at),
        }


def _reviews(user: User) -> Iterator[dict[str, Any]]:
    rows = Review.objects.filter(reviewer=user).select_related("resource")
    for review in rows.order_by("created_at", "id").iterator(chunk_size=500):
        yield {
            "resource": review.resource.title,
            "decision": review.decision,
            "comment": review.comment,
            "criteria": review.criteria,
            "created_at": _iso(review.created_at),
        }


def _endorsements(user: User) -> Iterator[dict[str, Any]]:
    rows = Endorsement.objects.filter(endorsed_by=user).select_related("resource")
    for endorsement in rows.order_by("created_at", "id").iterator(chunk_size=500):
        yield {
            "resource": endorsement.resource.title,
            "statement": endorsement.statement,
            "created_at": _iso(endorsement.created_at),
        }


def _subscriptions(user: User) -> Iterator[dict[str, Any]]:
    # The token is the secret of the unsubscribe link: never exported.
    for subscription in Subscription.objects.filter(user=user).iterator(chunk_size=500):
        yield {
            "label": subscription.label,
            "search": subscription.query,
            "followed_since": _iso(subscription.created_at),
        }


def _digests(user: User) -> Iterator[dict[str, Any]]:
    rows = DigestDelivery.objects.filter(user=user).order_by("week_start")
    for delivery in rows.iterator(chunk_size=500):
        yield {
            "week_start": _iso(delivery.week_start),
            "items": delivery.item_count,
            "sent_at": _iso(delivery.sent_at),
        }


@register_section("hub", gettext_noop("Your knowledge hub activity"))
def _hub(user: User) -> dict[str, Any]:
    return {
        "resources": _resources(user),
        "authorships": _authorships(user),
        "versions_you_wrote": _versions(user),
        "case_studies_naming_you": _case_study_mentions(user),
        "ratings": _ratings(user),
        "comments": _comments(user),
        "comment_flags": _flags(user),
        "used_in_your_projects": _uses(user),
        "curation_reviews": _reviews(user),
        "endorsements": _endorsements(user),
        "followed_searches": _subscriptions(user),
        "weekly_digests": _digests(user),
    }
