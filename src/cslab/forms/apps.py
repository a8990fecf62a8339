from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class FormsConfig(app_config.CslabAppConfig):
    name = "cslab.forms"
    label = "forms"
    verbose_name = _("Forms")
    # The form publishing job kind.
    registration_modules = ("jobs",)
