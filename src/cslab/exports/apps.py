from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class ExportsConfig(app_config.CslabAppConfig):
    name = "cslab.exports"
    label = "exports"
    verbose_name = _("Open data exports")
    registration_modules: tuple[str, ...] = ("rules", "jobs", "project_page")
