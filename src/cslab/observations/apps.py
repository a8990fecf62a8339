from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class ObservationsConfig(app_config.CslabAppConfig):
    name = "cslab.observations"
    label = "observations"
    verbose_name = _("Observations")
    # Permission rules and the personal-data export section.
    registration_modules = ("personal_data", "project_page", "rules", "erasure")
