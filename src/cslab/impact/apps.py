from django.utils.translation import gettext_lazy as _

from cslab.core import app_config


class ImpactConfig(app_config.CslabAppConfig):
    name = "cslab.impact"
    label = "impact"
    verbose_name = _("Impact")
    # Permission rules, the project page's outputs and impact part, the job kinds, and the
    # erasure of a person's roll-up link; the outputs and impacts part of hub case studies.
    registration_modules: tuple[str, ...] = (
        "rules",
        "project_page",
        "case_studies",
        "project_page_figures",
        "jobs",
        "erasure",
    )
