from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class ProjectsConfig(app_config.CslabAppConfig):
    name = "cslab.projects"
    label = "projects"
    verbose_name = _("Projects")
    # Permission rules, export sections, job kinds, signal receivers.
    registration_modules = ("personal_data", "rules", "erasure")
