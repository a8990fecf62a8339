from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "cslab.forms"
    label = "forms"
    verbose_name = _("Forms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cslab.forms import jobs  # noqa: F401  (registers the form publishing job kind)
