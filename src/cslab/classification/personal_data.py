"""The classification area's part of a person's data export: their classifications and the
comments they wrote on subjects."""

from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.classification.models import Classification, ExpertDecision, SubjectComment
from cslab.core.personal_data import register_section


@register_section("classifications", gettext_noop("Your classifications"))
def _classifications(user: User) -> dict[str, Any]:
    classifications = (
        Classification.objects.filter(volunteer=user)
        .select_related("workflow__project", "subject", "consent_version")
        .order_by("created_at", "id")
    )
    comments = (
        SubjectComment.objects.filter(author=user)
        .select_related("subject")
        .order_by("created_at", "id")
    )
    return {
        "classifications": [
            {
                "project": classification.workflow.project.slug,
                "workflow": classification.workflow.slug,
                "subject": classification.subject.external_id,
                "answers": classification.answers,
                "counted": classification.counted,
                "gold_matched": classification.gold_matched,
                "consent_version": (
                    classification.consent_version.number
                    if classification.consent_version
                    else None
                ),
                "classified_at": classification.created_at.isoformat(),
            }
            for classification in classifications
        ],
        "expert_decisions": [
            {
                "project": decision.workflow.project.slug,
                "workflow": decision.workflow.slug,
                "subject": decision.subject.external_id,
                "answers": decision.answers,
                "note": decision.note,
                "decided_at": decision.created_at.isoformat(),
            }
            for decision in ExpertDecision.objects.filter(decided_by=user)
            .select_related("workflow__project", "subject")
            .order_by("created_at", "id")
        ],
        "subject_comments": [
            {
                "subject": comment.subject.external_id,
                "comment": comment.text,
                "posted": comment.created_at.isoformat(),
            }
            for comment in comments
        ],
    }
