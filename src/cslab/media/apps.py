from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class MediaConfig(app_config.CslabAppConfig):
    name = "cslab.media"
    label = "media"
    verbose_name = _("Media")
    registration_modules = ("purges",)
