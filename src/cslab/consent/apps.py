from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class ConsentConfig(app_config.CslabAppConfig):
    name = "cslab.consent"
    label = "consent"
    verbose_name = _("Consent")
    # Permission rules, the export section of a person's consents, the project page's part.
    registration_modules: tuple[str, ...] = ("rules", "personal_data", "project_page", "erasure")
