"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

Resources and case studies the person wrote stay (the knowledge is the Lab's): their author
line and people lists show the pseudonym instead of the name, the stored versions and search
documents are redacted and made again, so the hub's search no longer finds them by the name.
Ratings, flags, subscriptions and digest records go; comments, endorsements and reviews stay
under the pseudonym with the name redacted, or, comments, are deleted when contributions are.
"""

from __future__ import annotations

from django.db.models import F, Q

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.core.redaction import identity_needles, matching_filter, redact_queryset
from cslab.hub.documents import resource_search_document
from cslab.hub.models import (
    CaseStudyPerson,
    DigestDelivery,
    Endorsement,
    Rating,
    Resource,
    ResourceAuthor,
    ResourceComment,
    ResourceCommentFlag,
    ResourceVersion,
    Review,
    Subscription,
)


@register_eraser("hub")
def erase_hub(scope: ErasureScope) -> int:
    if scope.project is not None:
        return 0  # the hub is the Lab's, not a project's
    user = scope.user
    pseudonym = scope.pseudonym_user.display_name
    needles = identity_needles(email=user.email, display_name=user.display_name)
    changed = ResourceAuthor.objects.filter(user=user).update(name=pseudonym)
    changed += CaseStudyPerson.objects.filter(user=user).update(name=pseudonym)
    changed += redact_queryset(ResourceAuthor.objects.filter(user__isnull=True), ["name"], needles)
    changed += redact_queryset(CaseStudyPerson.objects.all(), ["name", "role"], needles)
    changed += Rating.objects.filter(user=user).delete()[0]
    for flag in ResourceCommentFlag.objects.filter(user=user):
        ResourceComment.objects.filter(pk=flag.comment_id).update(flag_count=F("flag_count") - 1)
        flag.delete()
        changed += 1
    changed += Subscription.objects.filter(user=user).delete()[0]
    changed += DigestDelivery.objects.filter(user=user).delete()[0]
    comments = ResourceComment.objects.filter(author=user)
    if scope.delete_contributions:
        changed += comments.delete()[0]
    changed += redact_queryset(comments, ["text"], needles)
    changed += redact_queryset(Endorsement.objects.filter(endorsed_by=user), ["statement"], needles)
    changed += redact_queryset(Review.objects.filter(reviewer=user), ["comment"], needles)
    affected = Resource.objects.filter(
        Q(authors__user=user)
        | Q(case_study__people__user=user)
        | matching_filter(["search_document", "body", "summary"], needles)
    ).distinct()
    changed += redact_queryset(
        ResourceVersion.objects.filter(resource__in=affected), ["content"], needles
    )
    changed += redact_queryset(
        ResourceVersion.objects.filter(created_by=user), ["content", "change_note"], needles
    )
    for resource in affected.prefetch_related("tags", "authors"):
        Resource.objects.filter(pk=resource.pk).update(
            search_document=resource_search_document(resource)
        )
    return changed
