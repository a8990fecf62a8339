from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class HubConfig(app_config.CslabAppConfig):
    name = "cslab.hub"
    label = "hub"
    verbose_name = _("Knowledge hub")
    # Permission rules (more registration modules join as the hub's parts arrive).
    registration_modules: tuple[str, ...] = ("rules", "project_page")
