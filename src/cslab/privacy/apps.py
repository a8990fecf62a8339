from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class PrivacyConfig(app_config.CslabAppConfig):
    name = "cslab.privacy"
    label = "privacy"
    verbose_name = _("Privacy and data protection")
    # Permission rules, the personal-data export and retention job kinds.
    registration_modules: tuple[str, ...] = ("rules", "jobs", "personal_data", "erasure")
