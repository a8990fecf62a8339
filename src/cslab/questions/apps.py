from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class QuestionsConfig(app_config.CslabAppConfig):
    name = "cslab.questions"
    label = "questions"
    verbose_name = _("Research questions")
    # Permission rules, export sections, job kinds, signal receivers.
    registration_modules = ("personal_data", "project_page", "receivers", "rules", "erasure")
