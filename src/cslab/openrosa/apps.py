from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenRosaConfig(AppConfig):
    name = "cslab.openrosa"
    label = "openrosa"
    verbose_name = _("OpenRosa server (ODK Collect, Enketo)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cslab.openrosa import personal_data, rules  # noqa: F401  (export section; rules)
