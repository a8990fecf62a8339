"""Following hub searches: follow one, stop one, stop them all from an e-mail's link.

A followed search is stored in the normal form of `hub.queries` (keys sorted, page and sort
dropped), so the same search reached by two links is one row; the unique constraint
`hub_subscription_once` decides, never a check before the insert. Each row has a random token:
the unsubscribe links of the weekly digest carry it, so they work without signing in.
"""

import re
import secrets
from dataclasses import replace
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import InvalidInputError, NotAuthenticatedError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.hub.models import Subscription
from cslab.hub.queries import SearchParams, search_params_from_query
from cslab.hub.vocabulary import (
    Audience,
    ParticipationLevel,
    ResearchPhase,
    ResourceKind,
    ResourceLanguage,
    ResourceLicence,
)
from cslab.projects.vocabulary import SUSTAINABLE_DEVELOPMENT_GOALS, Faculty, ResearchDomain

MAX_SUBSCRIPTIONS_PER_PERSON = 50
LABEL_MAX_LENGTH = 300
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Control characters (NUL among them, which PostgreSQL refuses in text) never go into a label.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

# Facet parameter -> value -> its label, in the order a description names them.
_FACET_LABELS: dict[str, dict[str, Any]] = {
    "kind": dict(ResourceKind.choices),
    "faculty": dict(Faculty.choices),
    "domain": dict(ResearchDomain.choices),
    "phase": dict(ResearchPhase.choices),
    "level": dict(ParticipationLevel.choices),
    "audience": dict(Audience.choices),
    "sdg": SUSTAINABLE_DEVELOPMENT_GOALS,
    "language": dict(ResourceLanguage.choices),
    "licence": dict(ResourceLicence.choices),
}


def subscription_normal_query(query: str) -> SearchParams:
    """Read a search's query string (as the search page has it) into its parameters."""
    return search_params_from_query(QueryDict(query[:4000]))


def subscription_describe(params: SearchParams) -> str:
    """Return a readable name of a search in the active language.

    E.g. "“bats” · Method card · Biodiversity · Data collection": the words first, then each
    chosen facet value's label (values of one facet joined by " or ").
    """
    parts: list[str] = []
    if params.q:
        parts.append(f"“{params.q}”")
    for name in [*_FACET_LABELS, "organisation"]:
        values = params.filters.get(name)
        if not values:
            continue
        labels = _FACET_LABELS.get(name, {})
        if name == "sdg":
            names = [
                _("SDG %(number)s: %(goal)s") % {"number": value, "goal": _(labels[value])}
                for value in values
            ]
        else:
            names = [str(labels.get(value, value)) for value in values]
        parts.append(_(" or ").join(names))
    label = CONTROL_CHARACTERS.sub("", " · ".join(parts))
    return label if len(label) <= LABEL_MAX_LENGTH else label[: LABEL_MAX_LENGTH - 1] + "…"


def subscription_follow(*, actor: Actor, query: str, label: str = "") -> Subscription:
    """Follow the search `query` (a URL query string); following it again returns the row.

    Raises InvalidInputError for a search without words or facets and for a person who already
    follows MAX_SUBSCRIPTIONS_PER_PERSON searches.
    """
    person = person_or_none(actor)
    if person is None:
        raise NotAuthenticatedError(
            _("Log in to follow a search."), code=ProblemCode.NOT_AUTHENTICATED
        )
    params = subscription_normal_query(query)
    # The words are searched by the digest every week: no control characters in them.
    params = replace(params, q=" ".join(CONTROL_CHARACTERS.sub(" ", params.q).split()))
    if params.is_empty:
        raise InvalidInputError(
            _("To follow a search, choose a facet or type words first."),
            code=ProblemCode.EMPTY_SEARCH,
        )
    normal = params.query_string(for_following=True)
    existing = Subscription.objects.filter(user_id=person.pk, query=normal).first()
    if existing is not None:
        return existing
    chosen_label = " ".join(CONTROL_CHARACTERS.sub(" ", label).split())[:LABEL_MAX_LENGTH]
    chosen_label = chosen_label or subscription_describe(params)
    with transaction.atomic():
        # Counted under a lock on the person's row, so two tabs cannot pass the limit together.
        list(get_user_model().objects.select_for_update().filter(pk=person.pk).values_list("pk"))
        if Subscription.objects.filter(user_id=person.pk).count() >= MAX_SUBSCRIPTIONS_PER_PERSON:
            raise InvalidInputError(
                _("You follow %(count)s searches, the most there can be. Stop one first.")
                % {"count": MAX_SUBSCRIPTIONS_PER_PERSON},
                code=ProblemCode.TOO_MANY_SUBSCRIPTIONS,
            )
        subscription = Subscription(
            user_id=person.pk,
            query=normal,
            label=chosen_label,
            token=secrets.token_urlsafe(32),
        )
        subscription.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                subscription.save()
        except IntegrityError:
            return Subscription.objects.get(user_id=person.pk, query=normal)
        audit_record(
            actor=person,
            action="hub.subscription.followed",
            target=subscription,
            details={"query": normal},
        )
    return subscription


@transaction.atomic
def subscription_stop(*, actor: Actor, subscription: Subscription) -> None:
    """Stop following one search (the person's own only)."""
    permissions.require(actor, "hub.subscription.manage", subscription)
    _delete(actor=actor, subscriptions=[subscription], how="page")


@transaction.atomic
def subscription_stop_by_token(*, token: str) -> Subscription:
    """Stop the followed search whose unsubscribe token this is; an unknown token is not found.

    Returns the (now deleted) subscription, so the page can name what stopped.
    """
    subscription = _by_token(token)
    _delete(actor=subscription.user, subscriptions=[subscription], how="link")
    return subscription


@transaction.atomic
def subscriptions_stop_all_by_token(*, token: str) -> int:
    """Stop every followed search of the person this token belongs to; return how many."""
    subscription = _by_token(token)
    subscriptions = list(Subscription.objects.filter(user_id=subscription.user_id))
    _delete(actor=subscription.user, subscriptions=subscriptions, how="link, all")
    return len(subscriptions)


def subscription_get_by_token(*, token: str) -> Subscription:
    """Return the followed search of an unsubscribe link, or raise NotFoundError."""
    return _by_token(token)


def _by_token(token: str) -> Subscription:
    # Tokens are URL-safe base64; anything else (a NUL byte, which PostgreSQL refuses in a
    # query, a path trick) is simply not one.
    subscription = (
        Subscription.objects.select_related("user").filter(token=token).first()
        if TOKEN_PATTERN.fullmatch(token)
        else None
    )
    if subscription is None:
        raise NotFoundError()
    return subscription


def _delete(*, actor: Actor, subscriptions: list[Subscription], how: str) -> None:
    for subscription in subscriptions:
        audit_record(
            actor=actor,
            action="hub.subscription.stopped",
            target=subscription,
            details={"query": subscription.query, "how": how},
        )
    Subscription.objects.filter(pk__in=[subscription.pk for subscription in subscriptions]).delete()
