from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "cslab.questions"
    label = "questions"
    verbose_name = _("Research questions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cslab.projects.signals import project_status_changed
        from cslab.questions import (  # noqa: F401  (register rules and the export section)
            personal_data,
            receivers,
            rules,
        )

        project_status_changed.connect(
            receivers.tell_askers_about_project, dispatch_uid="questions.project_status"
        )
