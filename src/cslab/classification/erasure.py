"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

Classifications and subject comments are contributions: kept under the pseudonym or deleted.
A deleted counted classification no longer counts towards its subject's total (retirements
already made stand: they were decisions of their time). The skills the consensus computed for
the person follow their classifications in `consensus/erasure.py`.
"""

from __future__ import annotations

from django.db.models import Count, F

from cslab.classification.models import Classification, SubjectComment, WorkflowSubject
from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.core.redaction import identity_needles, redact_queryset


@register_eraser("classification")
def erase_classifications(scope: ErasureScope) -> int:
    user = scope.user
    classifications = Classification.objects.filter(volunteer=user)
    comments = SubjectComment.objects.filter(author=user)
    if scope.project is not None:
        classifications = classifications.filter(workflow__project=scope.project)
        comments = comments.filter(subject__subject_set__project=scope.project)
    changed = 0
    if scope.delete_contributions:
        counted = (
            classifications.filter(counted=True)
            .values("workflow_id", "subject_id")
            .annotate(number=Count("id"))
        )
        for group in counted:
            WorkflowSubject.objects.filter(
                workflow_id=group["workflow_id"], subject_id=group["subject_id"]
            ).update(classification_count=F("classification_count") - group["number"])
        changed += classifications.delete()[0]
        changed += comments.delete()[0]
        return changed
    needles = identity_needles(email=user.email, display_name=user.display_name)
    changed += redact_queryset(comments, ["text"], needles)
    changed += redact_queryset(classifications, ["answers"], needles)
    if scope.pseudonym_user.pk != user.pk:
        changed += classifications.update(volunteer=scope.pseudonym_user)
        changed += comments.update(author=scope.pseudonym_user)
    return changed
