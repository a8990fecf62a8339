from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassificationConfig(AppConfig):
    name = "cslab.classification"
    label = "classification"
    verbose_name = _("Classification")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cslab.classification import (  # noqa: F401  (rules, sign-in receiver, export section)
            personal_data,
            receivers,
            rules,
        )
