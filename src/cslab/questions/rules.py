"""Permission rules of the questions area.

A question on the Lab-wide board is public; one on a project's board is visible exactly when
the project is. Lab staff decide on every question; a project's owners and researchers decide
on the questions of their board; its moderators (with them and Lab staff) moderate discussions
and merge duplicates. Researchers (owners and researchers) of a project Lab staff approved
may also take up a question from the Lab-wide board, into such a project (or a new one, which
goes to review); anyone can start an "idea" project and so lead one, so leading an unapproved
project proves nothing. The answer, shown on the public question page, is recorded by Lab
staff or by whoever leads the adopting project once Lab staff approved it (or when the
question is on that project's own board).
"""

from typing import Any

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.permissions import Rule, register
from cslab.core.roles import ProjectRole, SiteRole
from cslab.projects.models import Membership, Project

STAFF = frozenset({SiteRole.STAFF})
LEADS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER})
MODERATORS = frozenset({ProjectRole.OWNER, ProjectRole.RESEARCHER, ProjectRole.MODERATOR})


def _board_is_visible(user: Actor, question: Any) -> bool:
    if question is None:
        return False
    if question.project_id is None:
        return True
    return permissions.has_permission(user, "project.view", question.project)


def _leads_a_project(user: Actor, target: Any) -> bool:
    person = person_or_none(user)
    return bool(
        person is not None
        and Membership.objects.filter(user_id=person.pk, role__in=list(LEADS)).exists()
    )


def _leads_an_approved_project(user: Actor) -> bool:
    person = person_or_none(user)
    return bool(
        person is not None
        and Membership.objects.filter(
            user_id=person.pk, role__in=list(LEADS), project__approved_at__isnull=False
        )
        .exclude(project__status=Project.Status.ARCHIVED)
        .exists()
    )


def _takes_up_lab_question(user: Actor, question: Any) -> bool:
    return bool(question is not None and question.project_id is None) and (
        _leads_an_approved_project(user)
    )


def _adopts_lab_question_into(user: Actor, project: Any) -> bool:
    """An existing project takes up a Lab-wide question: approved, and led by the user."""
    return bool(
        project is not None
        and user.is_authenticated
        and project.approved_at is not None
        and project.project_role_for(user) in LEADS
    )


def _leads_adopting_project(user: Actor, question: Any) -> bool:
    if question is None or question.adopted_project_id is None or not user.is_authenticated:
        return False
    adopting = question.adopted_project
    if adopting.approved_at is None and question.project_id != adopting.pk:
        return False
    return adopting.project_role_for(user) in LEADS


register(
    "question.view",
    Rule(site_roles=STAFF, predicate=_board_is_visible, description="See a research question"),
)
register(
    "question.take_part",
    Rule(
        any_signed_in=True,
        hidden=False,
        description="Propose, support, follow, comment on and flag research questions",
    ),
)
register(
    "question.decide",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        hidden=False,
        description="Consider or decline a research question",
    ),
)
register(
    "question.adopt",
    Rule(
        site_roles=STAFF,
        project_roles=LEADS,
        predicate=_takes_up_lab_question,
        hidden=False,
        description="Adopt a research question into a project",
    ),
)
register(
    "question.adopt_into",
    Rule(
        site_roles=STAFF,
        predicate=_adopts_lab_question_into,
        hidden=False,
        description="Take up a Lab-wide research question in this (approved) project",
    ),
)
register(
    "question.answer",
    Rule(
        site_roles=STAFF,
        predicate=_leads_adopting_project,
        hidden=False,
        description="Record the answer to an adopted research question",
    ),
)
register(
    "question.moderate",
    Rule(
        site_roles=STAFF,
        project_roles=MODERATORS,
        hidden=False,
        description="Merge duplicate questions; hide and restore comments",
    ),
)
register(
    "question.triage",
    Rule(
        site_roles=STAFF,
        predicate=_leads_a_project,
        description="Open the triage view of research questions",
    ),
)
