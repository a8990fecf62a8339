from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class OpenRosaConfig(app_config.CslabAppConfig):
    name = "cslab.openrosa"
    label = "openrosa"
    verbose_name = _("OpenRosa server (ODK Collect, Enketo)")
    # Permission rules, export sections, job kinds, signal receivers.
    registration_modules = ("personal_data", "rules", "erasure")
