from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class NotificationsConfig(app_config.CslabAppConfig):
    name = "cslab.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    # Permission rules, export sections, erasers, the daily digest job kind.
    registration_modules = ("personal_data", "rules", "erasure", "jobs")
