from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsensusConfig(AppConfig):
    name = "cslab.consensus"
    label = "consensus"
    verbose_name = _("Consensus")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cslab.consensus import rules  # noqa: F401  (registers the permission rules)
        from cslab.consensus.services import aggregation  # noqa: F401  (registers the job kind)
