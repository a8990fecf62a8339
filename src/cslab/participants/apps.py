from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class ParticipantsConfig(app_config.CslabAppConfig):
    name = "cslab.participants"
    label = "participants"
    verbose_name = _("Participants")
    # Permission rules, the export section of credit choices, the project page's part.
    registration_modules: tuple[str, ...] = ("rules", "personal_data", "project_page", "erasure")
