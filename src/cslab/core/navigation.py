"""The areas of cslab, as the home page and the main menu list them.

Each area adds its entry when its first feature arrives.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    url_name: str
    title: str | Promise
    summary: str | Promise
    staff_only: bool = False
    signed_in_only: bool = False


AREAS: list[Area] = [
    Area(
        "project_directory",
        _("Projects"),
        _("Find a citizen-science project: search, filter by domain or faculty, or look near you."),
    ),
    Area(
        "question_board",
        _("Research questions"),
        _(
            "Ask the question you want research to answer, support others' and follow what "
            "becomes of them."
        ),
    ),
    Area(
        "hub_search",
        _("Knowledge hub"),
        _(
            "Guides, method cards, templates, tools and case studies from every faculty: how to "
            "run citizen science well."
        ),
    ),
    Area(
        "event_list",
        _("Events"),
        _(
            "Webinars, workshops, training sessions and meet-ups: register, add them to your "
            "calendar, find the recordings afterwards."
        ),
    ),
    Area(
        "training_module_list",
        _("Training"),
        _("Learn at your own pace: short modules with lessons, quizzes and a certificate."),
    ),
    Area(
        "lab_impact",
        _("Impact"),
        _(
            "Who takes part, how much and for how long, where and when, and what came of it: "
            "the figures of every project and of the whole Lab."
        ),
    ),
    Area(
        "my_cslab",
        _("My cslab"),
        _(
            "Your home: your projects and roles, what you contributed and where it went, your "
            "events and training, your consents, credit and data."
        ),
        signed_in_only=True,
    ),
    Area(
        "notification_list",
        _("Notifications"),
        _("What happened to the questions you asked, support or follow."),
        signed_in_only=True,
    ),
    Area(
        "account_profile",
        _("Your account"),
        _(
            "Your profile, language, API tokens, device passwords for ODK Collect and the jobs"
            " you started."
        ),
        signed_in_only=True,
    ),
    Area(
        "my_projects",
        _("My projects"),
        _("The projects whose team you are on: their status, your role, what to do next."),
        signed_in_only=True,
    ),
    Area(
        "my_contributions",
        _("My contributions"),
        _(
            "Your observations (with photos and answers), classifications, research questions "
            "and comments, and what became of them."
        ),
        signed_in_only=True,
    ),
    Area(
        "my_events",
        _("My events"),
        _(
            "The events you registered for or are waiting for, with their joining details, "
            "and the ones you attended."
        ),
        signed_in_only=True,
    ),
    Area(
        "project_review_queue",
        _("Review queue"),
        _("Projects waiting for Lab staff: submitted for review or edited since approval."),
        staff_only=True,
    ),
    Area(
        "hub_curation_queue",
        _("Hub curation"),
        _("Resources submitted to the knowledge hub, waiting for a curator's review."),
        staff_only=True,
    ),
    Area(
        "mentor_requests",
        _("Mentoring"),
        _("Community-led projects asking for a researcher mentor."),
        staff_only=True,
    ),
    Area(
        "ppsr_import",
        _("Import projects"),
        _("Bring in a PPSR Core catalogue from another platform, with a dry run first."),
        staff_only=True,
    ),
    Area(
        "api-1.0.0:openapi-view",
        _("API"),
        _("Every feature is open to scripts and other platforms through a documented API."),
    ),
    Area(
        "audit_log",
        _("Audit log"),
        _("Who changed what, and when: every change to data is recorded."),
        staff_only=True,
    ),
    Area(
        "page_view_counts",
        _("Page views"),
        _("Which pages people use, counted per day without cookies or IP addresses."),
        staff_only=True,
    ),
    Area(
        "meta_research_exports",
        _("Meta-research feed"),
        _("Pseudonymous participation events of consenting participants, for meta-research."),
        staff_only=True,
    ),
]
