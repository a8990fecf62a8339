from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class EventsConfig(app_config.CslabAppConfig):
    name = "cslab.events"
    label = "events"
    verbose_name = _("Events")
    # Permission rules, the reminder and feedback-request job kinds, the project page's
    # upcoming events, the hub digest's "Coming up" section.
    registration_modules: tuple[str, ...] = (
        "rules",
        "jobs",
        "feedback_jobs",
        "project_page",
        "digest",
        "personal_data",
        "erasure",
    )
