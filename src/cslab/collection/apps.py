from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class CollectionConfig(app_config.CslabAppConfig):
    name = "cslab.collection"
    label = "collection"
    verbose_name = _("Data collection")
