"""Proposing research questions."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole
from cslab.core.services.audit import audit_record
from cslab.notifications.services.notifications import notification_send
from cslab.projects import geography
from cslab.projects.models import Project
from cslab.projects.vocabulary import ResearchDomain
from cslab.questions.models import Question, QuestionDomain, QuestionStatusChange

MAX_DOMAINS = 5


def question_propose(
    *,
    actor: User,
    text: str,
    why_it_matters: str,
    project: Project | None = None,
    domains: Iterable[str] = (),
    place_name: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    area: Any = None,
) -> Question:
    """Put the actor's question on the Lab-wide board (`project` None) or on a project's board.

    Only boards of projects the actor may see take questions (archived ones take none). The
    place is optional: a pin (both coordinates) and/or a GeoJSON area. The same person asking
    the same question twice (a double click) raises ConflictError `duplicate_question`. The
    project's owners and researchers are told a new question arrived on their board.
    """
    permissions.require(actor, "question.take_part")
    if project is not None:
        permissions.require(actor, "project.view", project)
        if project.status == Project.Status.ARCHIVED:
            raise InvalidInputError(
                _("This project is archived and no longer takes questions."),
                code=ProblemCode.BOARD_CLOSED,
            )
    domain_values = _clean_domains(domains)
    question = Question(
        proposer=actor,
        project=project,
        text=" ".join(text.split()),
        why_it_matters=why_it_matters.strip(),
        place_name=place_name.strip(),
        latitude=latitude,
        longitude=longitude,
        area=_clean_area(area),
    )
    _full_clean(question)
    try:
        with transaction.atomic():
            question.save()
            QuestionDomain.objects.bulk_create(
                [QuestionDomain(question=question, domain=domain) for domain in domain_values]
            )
            QuestionStatusChange.objects.create(
                question=question, to_status=Question.Status.PROPOSED, actor=actor
            )
            audit_record(
                actor=actor,
                action="question.proposed",
                target=question,
                details={"project": project.slug if project else None, "domains": domain_values},
            )
            if project is not None:
                _tell_the_board(actor=actor, question=question, project=project)
    except IntegrityError:
        raise ConflictError(
            _("You have already asked this question."), code=ProblemCode.DUPLICATE_QUESTION
        ) from None
    return question


def _tell_the_board(*, actor: User, question: Question, project: Project) -> None:
    leads = [
        membership.user
        for membership in project.memberships.select_related("user").filter(
            role__in=[ProjectRole.OWNER, ProjectRole.RESEARCHER]
        )
    ]
    notification_send(
        recipients=leads,
        kind="question.proposed",
        message=gettext_noop(
            "A new question was proposed on the board of “%(project)s”: “%(question)s”"
        ),
        params={"project": project.name, "question": question.text},
        url=question.get_absolute_url(),
        actor=actor,
    )


def _clean_domains(domains: Iterable[str]) -> list[str]:
    values = sorted({str(domain).strip() for domain in domains if str(domain).strip()})
    unknown = [value for value in values if value not in ResearchDomain.values]
    if unknown:
        raise InvalidInputError(
            _("Unknown research domain: %(domains)s.") % {"domains": ", ".join(unknown)},
            details={"domains": [_("Choose from the listed domains.")]},
        )
    if len(values) > MAX_DOMAINS:
        raise InvalidInputError(
            _("Choose at most %(count)d domains.") % {"count": MAX_DOMAINS},
            details={"domains": [_("Too many.")]},
        )
    return values


def _clean_area(document: Any) -> dict[str, Any] | None:
    if document in (None, "", {}):
        return None
    try:
        return geography.normalise_geometry(document)
    except geography.GeographyError as error:
        raise InvalidInputError(
            str(error), code=ProblemCode.INVALID_AREA, details={"area": [str(error)]}
        ) from None


def _full_clean(question: Question) -> None:
    try:
        question.full_clean(exclude=["proposer", "project"], validate_constraints=False)
    except ValidationError as error:
        raise InvalidInputError(
            _("The question has invalid values."), details=error.message_dict
        ) from None
    if (question.latitude is None) != (question.longitude is None):
        raise InvalidInputError(
            _("A place on the map needs both a latitude and a longitude."),
            details={"latitude": [_("Give both or neither.")]},
        )
