from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class TrainingConfig(app_config.CslabAppConfig):
    name = "cslab.training"
    label = "training"
    verbose_name = _("Training")
    # Permission rules; the modules a project asks of a role (core.role_requirements); the
    # certificates on a person's profile (core.profile_page); the link to the role
    # requirements on a project's page (core.project_page).
    registration_modules: tuple[str, ...] = (
        "rules",
        "role_requirements",
        "profile_page",
        "project_page",
        "personal_data",
        "erasure",
    )
