"""Building blocks of the participants tests: a public project where people observe,
classify, ask and comment."""

from __future__ import annotations

import hashlib
from itertools import count
from typing import Any

from cslab.classification.models import Classification, Subject, SubjectComment
from cslab.core.roles import ProjectRole
from cslab.forms.models import FormVersion
from cslab.observations.models import Observation
from cslab.openrosa.models import AppUser, AppUserSubmission
from cslab.projects.models import Project
from cslab.questions.models import Comment, Question
from tests.classification.helpers import make_workflow
from tests.collection.test_observation_views import observe, publish_birds
from tests.projects.factories import MembershipFactory, ProjectFactory

_instances = count(1)


class Site:
    """A public project with a published form and an active workflow with subjects."""

    def __init__(self, project: Project | None = None, *, with_form: bool = True) -> None:
        self.project: Project = project or ProjectFactory(public=True)
        # Publishing a form is the slow part: tests of classifications only skip it.
        self.version: FormVersion | None = publish_birds(self.project) if with_form else None
        self.workflow, self.subjects, self.owner = make_workflow(project=self.project, subjects=6)

    def observe(self, person: Any, **kwargs: Any) -> Observation:
        if not self.project.memberships.filter(user=person).exists():
            MembershipFactory(project=self.project, user=person, role=ProjectRole.MEMBER)
        assert self.version is not None, "Site(with_form=False) has no form"
        observation, _created = observe(person, self.version, f"uuid:{next(_instances)}", **kwargs)
        return observation

    def observe_by_device(self, person: Any, device_name: str = "Class 4b phone") -> Observation:
        """An observation sent by an OpenRosa app user (no observer)."""
        observation = self.observe(person)
        device = AppUser.objects.filter(project=self.project, name=device_name).first()
        if device is None:
            token = f"token-{device_name}-{self.project.pk}"
            device = AppUser.objects.create(
                project=self.project,
                name=device_name,
                token=token,
                token_lookup=hashlib.sha256(token.encode()).hexdigest(),
            )
        Observation.objects.filter(pk=observation.pk).update(observer=None)
        AppUserSubmission.objects.create(app_user=device, observation=observation)
        return observation

    def classify(self, person: Any, subject_number: int = 0) -> Classification:
        subject: Subject = self.subjects[subject_number]
        return Classification.objects.create(
            workflow=self.workflow, subject=subject, volunteer=person, answers={"T0": "bee"}
        )

    def classify_anonymously(self, session: str, subject_number: int = 0) -> Classification:
        return Classification.objects.create(
            workflow=self.workflow,
            subject=self.subjects[subject_number],
            session_identity=session,
            answers={"T0": "bee"},
        )

    def ask(self, person: Any, text: str = "Do bees prefer blue flowers?") -> Question:
        return Question.objects.create(
            project=self.project, proposer=person, text=text, why_it_matters="Pollination."
        )

    def comment_on_question(self, person: Any, question: Question) -> Comment:
        return Comment.objects.create(question=question, author=person, text="Good question.")

    def comment_on_subject(self, person: Any, subject_number: int = 0) -> SubjectComment:
        return SubjectComment.objects.create(
            subject=self.subjects[subject_number], author=person, text="A hoverfly, I think."
        )
