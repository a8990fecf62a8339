from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class ConsensusConfig(app_config.CslabAppConfig):
    name = "cslab.consensus"
    label = "consensus"
    verbose_name = _("Consensus")
    # Permission rules, export sections, job kinds, signal receivers.
    registration_modules = ("hooks", "rules", "services.aggregation", "personal_data", "erasure")
