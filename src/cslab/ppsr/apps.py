from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class PpsrConfig(app_config.CslabAppConfig):
    name = "cslab.ppsr"
    label = "ppsr"
    verbose_name = _("PPSR Core")
    # The PPSR import's job kind.
    registration_modules = ("services",)
