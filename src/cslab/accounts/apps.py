from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class AccountsConfig(app_config.CslabAppConfig):
    name = "cslab.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    # Permission rules, export sections, job kinds, signal receivers.
    registration_modules = ("jobs", "rules", "erasure", "sessions")
