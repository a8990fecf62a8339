"""What the questions area does when other areas announce a change: call a service."""

from typing import Any

from django.dispatch import receiver

from cslab.projects.signals import project_status_changed
from cslab.questions.services.states import question_tell_project_status


@receiver(project_status_changed, dispatch_uid="questions.project_status")
def tell_askers_about_project(sender: Any, *, project: Any, source: str, **kwargs: Any) -> None:
    """A project that took up questions started or completed: tell the people who asked."""
    question_tell_project_status(project=project, source=source)
