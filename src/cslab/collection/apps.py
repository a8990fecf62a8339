from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "cslab.collection"
    label = "collection"
    verbose_name = _("Data collection")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cslab.collection import (  # noqa: F401  (the permission rules, the export section)
            jobs,
            personal_data,
            rules,
        )
