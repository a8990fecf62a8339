from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class HubConfig(app_config.CslabAppConfig):
    name = "cslab.hub"
    label = "hub"
    verbose_name = _("Knowledge hub")
    # Permission rules, the weekly digest's job kind, what the hub adds to project pages.
    registration_modules: tuple[str, ...] = (
        "rules",
        "jobs",
        "project_page",
        "personal_data",
        "erasure",
    )
