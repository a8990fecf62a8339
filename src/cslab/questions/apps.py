from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "cslab.questions"
    label = "questions"
    verbose_name = _("Research questions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cslab.projects.signals import project_status_changed
        from cslab.questions import receivers, rules  # noqa: F401  (registers the rules)

        project_status_changed.connect(
            receivers.tell_askers_about_project, dispatch_uid="questions.project_status"
        )
