"""What the questions area adds to a project's page and to the home page: research questions
answered, and how many questions the Lab's public boards hold.

Counted through `selectors.question_list_visible`, so a private project's questions are never
counted for someone who may not see that project.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cslab.core import project_page
from cslab.core.actors import Actor
from cslab.core.project_page import Facts, Figure, Link, ProjectPart
from cslab.projects.models import Project
from cslab.questions import selectors
from cslab.questions.models import Question

ORDER = 40


def project_part(project: Project, viewer: Actor) -> ProjectPart:
    answered = (
        selectors.question_list_visible(user=viewer)
        .filter(Q(project=project) | Q(adopted_project=project), status=Question.Status.ANSWERED)
        .count()
    )
    return ProjectPart(
        figures=[Figure("questions_answered", _("Questions answered"), answered, ORDER)],
        links=[
            Link(
                _("Research questions"),
                reverse("project_question_board", kwargs={"slug": project.slug}),
            )
        ],
    )


def lab_facts() -> Facts:
    # The questions anyone may find (merged ones are counted in the question they joined).
    questions = selectors.question_list(user=AnonymousUser()).count()
    return Facts(figures=[Figure("questions", _("Research questions"), questions, ORDER)])


project_page.register_project_part("questions", project_part)
project_page.register_lab_figures("questions", lab_facts)
