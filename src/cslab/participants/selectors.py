"""Reads of participants: what a person contributed, when, and how they want to be credited.

`contribution_counts` is the one place a person's contribution figures are computed: "My
contributions", My cslab and the API summary all call it, so their numbers agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Max, Min, Q

from cslab.accounts.models import User
from cslab.classification.models import Classification
from cslab.classification.selectors import classification_list_mine, subject_comment_list_mine
from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.observations.models import Observation
from cslab.observations.selectors import observation_list_mine, observation_list_visible
from cslab.participants.models import CreditPreference
from cslab.participants.vocabulary import CreditChoice
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing
from cslab.questions.selectors import comment_list_mine, question_list_visible

CONTRIBUTION_KINDS = ("observations", "classifications", "questions", "comments")
# The device behind an observation without an observer (`openrosa.AppUserSubmission`).
DEVICE = "app_user_submission__app_user_id"


def contribution_counts(*, user: Actor, project: Any = None) -> dict[str, int]:
    """Return the person's number of observations (current versions), classifications,
    research questions proposed and comments (on questions and on subjects), in one project or
    in all; zeros for a visitor."""
    person = person_or_none(user)
    if person is None:
        return dict.fromkeys(CONTRIBUTION_KINDS, 0)
    observations = observation_list_mine(user=person).order_by()
    classifications = classification_list_mine(user=person).order_by()
    questions = question_list_visible(user=person).filter(proposer_id=person.pk).order_by()
    question_comments = comment_list_mine(user=person).order_by()
    subject_comments = subject_comment_list_mine(user=person).order_by()
    if project is not None:
        observations = observations.filter(project_id=project.pk)
        classifications = classifications.filter(workflow__project_id=project.pk)
        questions = questions.filter(project_id=project.pk)
        question_comments = question_comments.filter(question__project_id=project.pk)
        subject_comments = subject_comments.filter(subject__subject_set__project_id=project.pk)
    return {
        "observations": observations.count(),
        "classifications": classifications.count(),
        "questions": questions.count(),
        "comments": question_comments.count() + subject_comments.count(),
    }


@dataclass(frozen=True)
class ContributionPeriod:
    """When a person contributed to one project: their first and last contribution."""

    project_id: int
    first: datetime
    last: datetime

    def widened(self, first: datetime, last: datetime) -> ContributionPeriod:
        return ContributionPeriod(self.project_id, min(self.first, first), max(self.last, last))


def _merge_periods(rows: Iterable[tuple[int, datetime, datetime]]) -> dict[int, ContributionPeriod]:
    periods: dict[int, ContributionPeriod] = {}
    for project_id, first, last in rows:
        known = periods.get(project_id)
        periods[project_id] = (
            known.widened(first, last) if known else ContributionPeriod(project_id, first, last)
        )
    return periods


def contribution_periods(*, user: Actor) -> dict[int, ContributionPeriod]:
    """Return, per project id, the first and last time the person contributed there
    (observations and classifications); empty for a visitor."""
    person = person_or_none(user)
    if person is None:
        return {}
    observed = (
        observation_list_mine(user=person)
        .order_by()
        .values("project_id")
        .annotate(first=Min("created_at"), last=Max("created_at"))
        .values_list("project_id", "first", "last")
    )
    classified = (
        classification_list_mine(user=person)
        .order_by()
        .values("workflow__project_id")
        .annotate(first=Min("created_at"), last=Max("created_at"))
        .values_list("workflow__project_id", "first", "last")
    )
    return _merge_periods([*observed, *classified])


def contributed_project_ids(*, user: Actor) -> set[int]:
    """Return the ids of the projects the person observed or classified in."""
    return set(contribution_periods(user=user))


# --------------------------------------------------------------------------- credit


def credit_preference_list_mine(*, user: User) -> list[CreditPreference]:
    """The person's credit choices: the global one (if any) first, then per project by name."""
    return list(
        CreditPreference.objects.filter(user_id=user.pk)
        .select_related("project")
        .order_by(F("project__name").asc(nulls_first=True), "project_id")
    )


def _default_name(person: Any) -> str | None:
    # Private by default: only a public profile's display name is printed unasked.
    name = (person.display_name or "").strip()
    return name if person.profile_public and name else None


def _name_from(preference: CreditPreference | None, person: Any) -> str | None:
    if preference is None:
        return _default_name(person)
    if preference.choice == CreditChoice.NAME:
        return (person.display_name or "").strip() or None
    if preference.choice == CreditChoice.PSEUDONYM:
        return preference.pseudonym or None
    return None


def _credit_names(people: list[Any], project: Any) -> dict[int, str | None]:
    """The name to print for each person in the project's acknowledgements, in one query."""
    chosen: dict[int, dict[bool, CreditPreference]] = {}
    preferences = CreditPreference.objects.filter(
        Q(project__isnull=True) | Q(project_id=project.pk if project is not None else None),
        user_id__in=[person.pk for person in people],
    )
    for row in preferences:
        chosen.setdefault(row.user_id, {})[row.project_id is not None] = row
    names: dict[int, str | None] = {}
    for person in people:
        mine = chosen.get(person.pk, {})
        # The project's own choice wins over the global one.
        preference: CreditPreference | None = (
            mine[True] if project is not None and True in mine else mine.get(False)
        )
        names[person.pk] = _name_from(preference, person)
    return names


def credit_names_for(*, users: Iterable[Any], project: Any = None) -> dict[int, str | None]:
    """`credit_name_for` of many people at once (one query), by their id."""
    return _credit_names(list(users), project)


def credit_name_for(*, user: Any, project: Any = None) -> str | None:
    """Return the name to print when crediting the person in the project (or anywhere, without
    a project), or None when they are not to be named: the project's choice, else the global
    one, else the display name of a public profile."""
    return _credit_names([user], project)[user.pk]


# --------------------------------------------------------------------------- contributors


@dataclass(frozen=True)
class Contributor:
    name: str
    contributions: int
    first: datetime
    last: datetime


@dataclass
class ContributorList:
    """A project's contributors as they want to be credited, for a paper's acknowledgements."""

    project: Any
    credited: list[Contributor] = field(default_factory=list)
    # People who chose not to be named, and classifiers without an account.
    anonymous: int = 0
    # OpenRosa app users: a device counts as one participant, never named.
    field_devices: int = 0

    @property
    def participants(self) -> int:
        return len(self.credited) + self.anonymous + self.field_devices


@dataclass
class _Tally:
    contributions: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def add(self, number: int, first: datetime, last: datetime) -> None:
        self.contributions += number
        self.first = first if self.first is None else min(self.first, first)
        self.last = last if self.last is None else max(self.last, last)


def project_get_for_contributors(*, actor: Actor, slug: str) -> Project:
    """Return the project if the actor may list its contributors: 404 for those who may not
    see the project, 403 for others who see it but are not its owners, researchers or staff."""
    project = project_get_for_viewing(user=actor, slug=slug)
    permissions.require(actor, "participants.contributors.view", project)
    return project


def contributor_list(*, actor: Actor, project: Project) -> ContributorList:
    """Return the project's contributors (observations not rejected, current versions; and
    classifications), each named as they chose, with their number of contributions and first
    and last contribution; those who chose not to be named are only counted."""
    permissions.require(actor, "participants.contributors.view", project)
    people: dict[int, _Tally] = {}
    devices: set[int] = set()
    observed = (
        observation_list_visible(user=actor, project=project)
        .exclude(status=Observation.Status.REJECTED)
        .order_by()
        .values("observer_id", DEVICE)
        .annotate(number=Count("id"), first=Min("created_at"), last=Max("created_at"))
        .values_list("observer_id", DEVICE, "number", "first", "last")
    )
    for observer_id, device_id, number, first, last in observed:
        if observer_id is not None:
            people.setdefault(observer_id, _Tally()).add(number, first, last)
        elif device_id is not None:
            devices.add(device_id)
    classified = (
        Classification.objects.filter(workflow__project_id=project.pk)
        .order_by()
        .values("volunteer_id")
        .annotate(
            number=Count("id"),
            first=Min("created_at"),
            last=Max("created_at"),
            sessions=Count("session_identity", distinct=True, filter=Q(volunteer__isnull=True)),
        )
        .values_list("volunteer_id", "number", "first", "last", "sessions")
    )
    anonymous_sessions = 0
    for volunteer_id, number, first, last, sessions in classified:
        if volunteer_id is None:
            anonymous_sessions += sessions
        else:
            people.setdefault(volunteer_id, _Tally()).add(number, first, last)
    persons = list(User.objects.filter(pk__in=people).only("pk", "display_name", "profile_public"))
    names = _credit_names(persons, project)
    result = ContributorList(project=project, field_devices=len(devices))
    result.anonymous = anonymous_sessions
    for person in persons:
        name = names[person.pk]
        tally = people[person.pk]
        if name is None or tally.first is None or tally.last is None:
            result.anonymous += 1
            continue
        result.credited.append(Contributor(name, tally.contributions, tally.first, tally.last))
    result.credited.sort(key=lambda contributor: (contributor.name.casefold(), contributor.first))
    return result


# A person is on a few dozen teams at most; the bound keeps the credit page finite.
MAX_CREDIT_PROJECTS = 200


def credit_choice_projects(*, user: Actor) -> list[Project]:
    """The projects a person may make a credit choice for: those they contributed to or whose
    team they are on, by name."""
    person = person_or_none(user)
    if person is None:
        return []
    contributed = contributed_project_ids(user=person)
    return list(
        Project.objects.filter(Q(pk__in=contributed) | Q(memberships__user_id=person.pk))
        .distinct()
        .order_by("name", "pk")[:MAX_CREDIT_PROJECTS]
    )
