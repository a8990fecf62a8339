from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from cslab.core import app_config
from cslab.core.site import site_sync_from_settings


class CoreConfig(app_config.CslabAppConfig):
    name = "cslab.core"
    label = "core"
    verbose_name = _("Core")
    registration_modules = ("rules",)

    def ready(self) -> None:
        super().ready()
        post_migrate.connect(site_sync_from_settings, sender=self)
