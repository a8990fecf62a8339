from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "cslab.observations"
    label = "observations"
    verbose_name = _("Observations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cslab.observations import (  # noqa: F401  (the permission rules, the export section)
            personal_data,
            rules,
        )
