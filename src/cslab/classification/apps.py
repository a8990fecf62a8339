from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class ClassificationConfig(app_config.CslabAppConfig):
    name = "cslab.classification"
    label = "classification"
    verbose_name = _("Classification")
    # Permission rules, export sections, job kinds, signal receivers.
    registration_modules = ("personal_data", "project_page", "receivers", "rules", "erasure")
