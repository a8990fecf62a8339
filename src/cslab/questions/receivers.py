"""What the questions area does when other areas announce a change: call a service."""

from typing import Any

from cslab.questions.services.states import question_tell_project_status


def tell_askers_about_project(sender: Any, *, project: Any, source: str, **kwargs: Any) -> None:
    """A project that took up questions started or completed: tell the people who asked."""
    question_tell_project_status(project=project, source=source)
