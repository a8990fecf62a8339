"""Which subject a volunteer classifies next.

Rules: never a subject this volunteer (or this anonymous session) already classified in the
workflow, never a retired one; among the rest, the ones closest to retirement first (most
classifications), or a random order when the workflow says so; and now and then a gold subject,
at a rate that falls with the volunteer's experience.

The query reads `WorkflowSubject` through a partial index over the active subjects of the
workflow, in the order asked for, and skips classified ones with NOT EXISTS on the unique
(workflow, subject, volunteer) index of classifications, stopping at a small batch (LIMIT).
It never sorts or counts the whole workflow, which keeps it fast with a million subjects.
Two volunteers asking at once may be offered the same subject; "never twice for the same
volunteer" is the classifications' unique constraint, not this query.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from cslab.classification.models import Classification, Workflow, WorkflowSubject
from cslab.core.actors import Actor

BATCH = 10


@dataclass(frozen=True)
class Identity:
    """Who classifies: a signed-in volunteer, or an anonymous session's random identity."""

    user: Actor
    session_identity: str = ""

    @property
    def is_anonymous(self) -> bool:
        return not getattr(self.user, "is_authenticated", False)

    def classification_filter(self) -> dict[str, Any]:
        """The lookup of this identity's classifications."""
        if self.is_anonymous:
            return {"volunteer__isnull": True, "session_identity": self.session_identity}
        return {"volunteer_id": self.user.pk}


def gold_rate(*, experience: int, newcomer: float, experienced: float, ramp: int) -> float:
    """Return the chance of a gold subject for a volunteer with `experience` classifications:
    `newcomer` at 0, falling linearly to `experienced` after `ramp` classifications."""
    if ramp <= 0 or experience >= ramp:
        return experienced
    return newcomer + (experienced - newcomer) * experience / ramp


def _unclassified(workflow: Workflow, identity: Identity) -> QuerySet[WorkflowSubject]:
    classified = Classification.objects.filter(
        workflow_id=workflow.pk,
        subject_id=OuterRef("subject_id"),
        **identity.classification_filter(),
    )
    return WorkflowSubject.objects.filter(workflow_id=workflow.pk).filter(~Exists(classified))


def experience_of(workflow: Workflow, identity: Identity, *, up_to: int) -> int:
    """Return how many classifications the identity made in the workflow, counting no further
    than `up_to` (the gold rate stops changing there, so a veteran costs no more than that)."""
    if identity.is_anonymous and not identity.session_identity:
        return 0
    mine = Classification.objects.filter(
        workflow_id=workflow.pk, **identity.classification_filter()
    )
    # The column read is in the (volunteer, workflow, created_at) index: an index-only scan.
    return mine.order_by().values_list("workflow_id", flat=True)[:up_to].count()


def _ordinary_subject_ids(
    workflow: Workflow, identity: Identity, count: int, chance: random.Random
) -> list[int]:
    active = _unclassified(workflow, identity).filter(retired_at__isnull=True, is_gold=False)
    if workflow.assignment_order == Workflow.Order.RANDOM:
        start = chance.random()
        found = list(
            active.filter(random_key__gte=start)
            .order_by("random_key")
            .values_list("subject_id", flat=True)[:count]
        )
        if len(found) < count:  # wrap around below the starting point
            found += list(
                active.filter(random_key__lt=start)
                .order_by("random_key")
                .values_list("subject_id", flat=True)[: count - len(found)]
            )
        return found
    return list(
        active.order_by("-classification_count", "subject_id").values_list("subject_id", flat=True)[
            :count
        ]
    )


def _gold_subject_id(workflow: Workflow, identity: Identity, chance: random.Random) -> int | None:
    golds = _unclassified(workflow, identity).filter(is_gold=True)
    start = chance.random()
    found = (
        golds.filter(random_key__gte=start)
        .order_by("random_key")
        .values_list("subject_id", flat=True)
        .first()
        or golds.order_by("random_key").values_list("subject_id", flat=True).first()
    )
    return found


def next_subject_ids(
    *,
    workflow: Workflow,
    identity: Identity,
    count: int = 1,
    exclude: frozenset[int] = frozenset(),
    chance: random.Random | None = None,
) -> list[int]:
    """Return up to `count` subject ids for the identity to classify next, in order.

    `exclude` holds subjects already waiting in the volunteer's browser (prefetched), so the
    next call does not offer them again. `chance` makes gold injection and the random order
    repeatable in tests.
    """
    chance = chance or random.Random()  # noqa: S311 (assignment order, not a secret)
    rate = gold_rate(
        experience=experience_of(workflow, identity, up_to=max(1, workflow.gold_rate_experience)),
        newcomer=workflow.gold_rate_newcomer,
        experienced=workflow.gold_rate_experienced,
        ramp=workflow.gold_rate_experience,
    )
    wanted = max(1, min(count, BATCH))
    ordinary = [
        subject_id
        for subject_id in _ordinary_subject_ids(workflow, identity, wanted + len(exclude), chance)
        if subject_id not in exclude
    ][:wanted]
    if chance.random() < rate:
        gold = _gold_subject_id(workflow, identity, chance)
        if gold is not None and gold not in exclude and gold not in ordinary:
            ordinary = [gold, *ordinary][:wanted]
    return ordinary
