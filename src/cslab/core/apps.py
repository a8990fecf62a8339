from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cslab.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cslab.core import rules  # noqa: F401  (registers the permission rules)
        from cslab.core.site import site_sync_from_settings

        post_migrate.connect(site_sync_from_settings, sender=self)
