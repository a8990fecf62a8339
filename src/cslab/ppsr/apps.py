from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PpsrConfig(AppConfig):
    name = "cslab.ppsr"
    label = "ppsr"
    verbose_name = _("PPSR Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cslab.ppsr import services  # noqa: F401  (registers the import's job kind)
