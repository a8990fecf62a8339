"""Reads of the questions area, filtered by what the viewer may see.

A question on the Lab-wide board is public; one on a project's board is visible exactly when
the project is (so a private project's questions answer 404 to outsiders, in lists too).
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, F, Min, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Coalesce

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.core.roles import ProjectRole
from cslab.projects.models import Membership, Project
from cslab.projects.selectors import project_list_visible
from cslab.questions import similarity, states
from cslab.questions.models import (
    Comment,
    Follow,
    Question,
    QuestionStatusChange,
    Support,
)
from cslab.questions.threads import thread_order

OPEN_STATUSES = (Question.Status.PROPOSED, Question.Status.UNDER_CONSIDERATION)
SORTS = ("support", "recent", "domain")
SIMILAR_CANDIDATES = 200
LEADS = (ProjectRole.OWNER, ProjectRole.RESEARCHER)


def _questions() -> QuerySet[Question]:
    return Question.objects.select_related(
        "proposer", "project", "adopted_project", "merged_into"
    ).prefetch_related("domains")


def question_get_for_viewing(*, user: Actor, question_id: Any) -> Question:
    """Return the question if the viewer may see its board; raise NotFoundError otherwise."""
    try:
        question = _questions().get(pk=question_id)
    except (Question.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None
    permissions.require(user, "question.view", question)
    return question


def question_list_visible(*, user: Actor) -> QuerySet[Question]:
    """Return every question the viewer may find: the Lab board and their visible projects'."""
    if permissions.is_staff(user):
        return _questions()
    boards = project_list_visible(user=user).values("pk")
    return _questions().filter(Q(project__isnull=True) | Q(project__in=boards))


def _filtered(
    questions: QuerySet[Question], *, status: str = "", domain: str = "", sort: str = ""
) -> QuerySet[Question]:
    if status == "open":
        questions = questions.filter(status__in=OPEN_STATUSES)
    elif status in Question.Status.values:
        questions = questions.filter(status=status)
    elif status != "all":
        questions = questions.exclude(status=Question.Status.MERGED)
    if domain:
        questions = questions.filter(domains__domain=domain)
    if sort == "recent":
        return questions.order_by("-created_at", "-id")
    if sort == "domain":
        return questions.annotate(
            first_domain=Coalesce(Min("domains__domain"), Value("~"), output_field=CharField())
        ).order_by("first_domain", "-support_count", "-id")
    return questions.order_by("-support_count", "-id")


def question_list(
    *, user: Actor, board: str = "", status: str = "", domain: str = "", sort: str = ""
) -> QuerySet[Question]:
    """Return the questions the viewer may find, filtered.

    `board` is "lab" for the Lab-wide board, a project's slug for its board, or empty for all.
    `status` is a status, "open" (proposed or under consideration), "all", or empty (all but
    merged ones).
    """
    questions = question_list_visible(user=user)
    if board == "lab":
        questions = questions.filter(project__isnull=True)
    elif board:
        questions = questions.filter(project__slug=board)
    return _filtered(questions, status=status, domain=domain, sort=sort)


def question_list_for_board(
    *, user: Actor, project: Project | None, status: str = "", domain: str = "", sort: str = ""
) -> QuerySet[Question]:
    """Return the questions of one board: the Lab-wide one (`project` None) or a project's."""
    if project is None:
        questions = _questions().filter(project__isnull=True)
    else:
        permissions.require(user, "project.view", project)
        questions = _questions().filter(project=project)
    return _filtered(questions, status=status, domain=domain, sort=sort)


# Any here: the body reads the viewer as a person (`.pk` in a lookup) after an
# `is_authenticated` check that mypy cannot follow; typing it needs that body narrowed.
def question_list_for_triage(
    *, user: Any, board: str = "", status: str = "open", domain: str = "", sort: str = ""
) -> QuerySet[Question]:
    """Return the questions the viewer decides on: every one for Lab staff; for owners and
    researchers of projects, their boards' and the Lab-wide board (to take questions up).

    Everyone else gets NotFoundError.
    """
    permissions.require(user, "question.triage")
    questions = _questions()
    if not permissions.is_staff(user):
        led = Membership.objects.filter(user_id=user.pk, role__in=LEADS).values("project_id")
        questions = questions.filter(Q(project__in=led) | Q(project__isnull=True))
    if board == "lab":
        questions = questions.filter(project__isnull=True)
    elif board:
        questions = questions.filter(project__slug=board)
    return _filtered(questions, status=status, domain=domain, sort=sort)


def question_can_triage(*, user: Actor) -> bool:
    """Return True if the viewer may open the triage view (Lab staff, project leads)."""
    return permissions.has_permission(user, "question.triage")


def triage_boards(*, user: User) -> list[Project]:
    """Return the project boards the viewer triages (Lab staff: every board with questions)."""
    permissions.require(user, "question.triage")
    projects = Project.objects.filter(questions__isnull=False).distinct()
    if not permissions.is_staff(user):
        projects = projects.filter(memberships__user_id=user.pk, memberships__role__in=LEADS)
    return list(projects.order_by("name"))


def question_list_for_person(*, user: User) -> dict[str, list[Question]]:
    """Return the viewer's questions: proposed, supported and followed, newest first.

    Proposed questions come with their history ("what happened to my question").
    """
    if not user.is_authenticated:
        return {"proposed": [], "supported": [], "followed": []}
    proposed = list(
        question_list_visible(user=user)
        .filter(proposer_id=user.pk)
        .prefetch_related("status_changes")
        .order_by("-created_at", "-id")
    )
    supported = list(
        question_list_visible(user=user)
        .filter(supports__user_id=user.pk)
        .exclude(proposer_id=user.pk)
        .order_by("-created_at", "-id")
    )
    followed = list(
        question_list_visible(user=user)
        .filter(follows__user_id=user.pk)
        .exclude(proposer_id=user.pk)
        .exclude(supports__user_id=user.pk)
        .order_by("-created_at", "-id")
    )
    return {"proposed": proposed, "supported": supported, "followed": followed}


@dataclass(frozen=True)
class SimilarQuestion:
    question: Question
    score: float


def question_list_similar(
    *, user: Actor, text: str, exclude_id: int | None = None, limit: int = 5
) -> list[SimilarQuestion]:
    """Return visible questions that read like `text`, most alike first.

    A cheap prefilter (any distinctive word beginning, most supported first) bounds the
    candidates; `similarity.rank_similar` scores them.
    """
    terms = similarity.search_terms(text)
    if not terms:
        return []
    prefilter = Q()
    for term in terms:
        prefilter |= Q(text__icontains=term)
    candidates = (
        question_list_visible(user=user)
        .exclude(status=Question.Status.MERGED)
        .filter(prefilter)
        .order_by("-support_count", "-id")
    )
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    rows = candidates.values_list("pk", "text")[:SIMILAR_CANDIDATES]
    matches = similarity.rank_similar(
        text,
        [similarity.Candidate(pk, candidate_text) for pk, candidate_text in rows],
        limit=limit,
    )
    found = _questions().in_bulk([match.id for match in matches])
    return [SimilarQuestion(found[match.id], match.score) for match in matches]


def question_audience(*, question: Question) -> QuerySet[Any]:
    """Return the people told about a question's changes: proposer, supporters, followers."""
    people = Q(question_supports__question=question) | Q(question_follows__question=question)
    if question.proposer_id is not None:
        people |= Q(pk=question.proposer_id)
    return get_user_model().objects.filter(people, is_active=True).distinct().order_by("pk")


def comment_get_for_viewing(*, user: Actor, comment_id: Any) -> Comment:
    """Return a comment if the viewer may see its question; NotFoundError otherwise."""
    try:
        comment = Comment.objects.select_related("question__project", "author").get(pk=comment_id)
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None
    permissions.require(user, "question.view", comment.question)
    return comment


def comment_list(*, user: Actor, question: Question) -> QuerySet[Comment]:
    """Return a question's comments oldest first; `shown_text` is empty for hidden comments,
    except for the board's moderators."""
    permissions.require(user, "question.view", question)
    comments = Comment.objects.filter(question=question).select_related("author")
    shown: F | Case
    if permissions.has_permission(user, "question.moderate", question):
        shown = F("text")
    else:
        shown = Case(
            When(hidden_at__isnull=True, then=F("text")),
            default=Value(""),
            output_field=TextField(),
        )
    return comments.annotate(shown_text=shown).order_by("created_at", "id")


def question_adopted_project_visible(*, user: Actor, question: Question) -> bool:
    """Return True if the viewer may see the project that took the question up.

    A project that is not public yet (a new incubating one) is named only to its team and
    Lab staff; everyone else reads that "a project" took the question up.
    """
    if question.adopted_project_id is None or question.adopted_project is None:
        return False
    return permissions.has_permission(user, "project.view", question.adopted_project)


@dataclass
class QuestionPage:
    """Everything the question page shows, decided for one viewer."""

    question: Question
    comments: list[Comment]
    history: list[QuestionStatusChange]
    merged_here: list[Question]
    follower_count: int
    supporting: bool = False
    following: bool = False
    can_take_part: bool = False
    can_moderate: bool = False
    actions: list[str] = field(default_factory=list)
    adopted_project_visible: bool = False
    adoptable_projects: list[Project] = field(default_factory=list)
    merge_candidates: list[SimilarQuestion] = field(default_factory=list)


# Any here: the body reads the viewer as a person (`.pk` in a lookup) after an
# `is_authenticated` check that mypy cannot follow; typing it needs that body narrowed.
def question_page(*, user: Any, question_id: Any) -> QuestionPage:
    """Return the question page for the viewer: the thread, history and what they may do."""
    question = question_get_for_viewing(user=user, question_id=question_id)
    page = QuestionPage(
        question=question,
        comments=thread_order(comment_list(user=user, question=question)),
        history=list(question.status_changes.select_related("actor").order_by("created_at", "id")),
        merged_here=list(question.merged_questions.order_by("-created_at")),
        follower_count=question.follows.count(),
    )
    page.adopted_project_visible = question_adopted_project_visible(user=user, question=question)
    if not user.is_authenticated:
        return page
    page.can_take_part = True
    page.supporting = Support.objects.filter(question=question, user_id=user.pk).exists()
    page.following = Follow.objects.filter(question=question, user_id=user.pk).exists()
    page.can_moderate = permissions.has_permission(user, "question.moderate", question)
    page.actions = [
        transition.action
        for transition in states.transitions_from(question.status)
        if permissions.has_permission(user, transition.permission, question)
    ]
    if "adopt" in page.actions:
        page.adoptable_projects = project_list_for_adoption(user=user, question=question)
    if "merge" in page.actions:
        page.merge_candidates = question_list_similar(
            user=user, text=question.text, exclude_id=question.pk
        )
    return page


# Any here: the body reads the viewer as a person (`.pk` in a lookup) after an
# `is_authenticated` check that mypy cannot follow; typing it needs that body narrowed.
def project_list_for_adoption(*, user: Any, question: Question) -> list[Project]:
    """Return the projects the viewer may adopt a question into: those they lead, not archived,
    with the question's own board first; for a Lab-wide question only those Lab staff
    approved (`question.adopt_into`), unless the viewer is Lab staff."""
    projects = list(
        Project.objects.filter(memberships__user_id=user.pk, memberships__role__in=LEADS)
        .exclude(status=Project.Status.ARCHIVED)
        .order_by("name")
    )
    if question.project_id is None:
        projects = [
            project
            for project in projects
            if permissions.has_permission(user, "question.adopt_into", project)
        ]
    board = question.project
    if (
        board is not None
        and board not in projects
        and permissions.has_permission(user, "project.edit", board)
    ):
        projects.insert(0, board)
    elif board is not None and board in projects:
        projects.remove(board)
        projects.insert(0, board)
    return projects


def question_get_for_triage_bulk(*, user: Actor, question_ids: list[int]) -> list[Question]:
    """Return the chosen questions among those the viewer triages (others are left out)."""
    return list(question_list_for_triage(user=user, status="all").filter(pk__in=question_ids))


def comment_list_mine(*, user: Actor) -> QuerySet[Comment]:
    """The signed-in person's own comments on the research questions they may still see,
    newest first, with their question; empty for anyone else ("My contributions")."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Comment.objects.none()
    return (
        Comment.objects.filter(author_id=user.pk, question__in=question_list_visible(user=user))
        .select_related("question")
        .order_by("-created_at", "-id")
    )
