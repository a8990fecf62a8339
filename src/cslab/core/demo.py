"""Demo data: each area adds a loader; `cslab demo` runs them in order.

Loaders must be idempotent (run twice, nothing doubles): they look rows up by a natural key
protected by a unique constraint and create only what is missing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    who: str


DemoLoader = Callable[[], list[DemoLogin]]


# By dotted path, in the order they run (people before the projects they lead, forms before
# observations): core sits below every area, so it names their loaders instead of importing them.
DEMO_LOADERS = (
    "cslab.accounts.demo.load_demo_people",
    "cslab.projects.demo.load_demo_projects",
    "cslab.questions.demo.load_demo_questions",
    "cslab.forms.demo.load_demo_forms",
    "cslab.observations.demo.load_demo_observations",
    "cslab.classification.demo.load_demo_classification",
    "cslab.hub.demo.load_demo_hub",
    "cslab.training.demo.load_demo_training",
    "cslab.events.demo.load_demo_events",
    # Issue 14: consent after the contributions it marks; credit, outputs and preferences after
    # the people and projects they name.
    "cslab.consent.demo.load_demo_consent",
    "cslab.participants.demo.load_demo_credit",
    "cslab.impact.demo.load_demo_outputs",
    "cslab.notifications.demo.load_demo_notification_preferences",
    "cslab.privacy.demo.load_demo_privacy",
    # Issue 15: the impact history after every contribution, consent and output it adds to;
    # it ends by rebuilding every project's roll-ups.
    "cslab.impact.demo.load_demo_impact",
    # Issue 16: public files of the observations the loaders above made.
    "cslab.exports.demo.load_demo_exports",
    "cslab.exports.demo.load_demo_import",
)


# What `cslab demo` counts after each loader, so its progress says what it made: the model
# (app_label.ModelName) and the word for its rows. A loader not named here shows its time only.
DEMO_COUNTS = {
    "cslab.accounts.demo.load_demo_people": ("accounts.User", "people"),
    "cslab.projects.demo.load_demo_projects": ("projects.Project", "projects"),
    "cslab.questions.demo.load_demo_questions": ("questions.Question", "questions"),
    "cslab.forms.demo.load_demo_forms": ("forms.Form", "forms"),
    "cslab.observations.demo.load_demo_observations": ("observations.Observation", "observations"),
    "cslab.classification.demo.load_demo_classification": (
        "classification.Classification",
        "classifications",
    ),
    "cslab.hub.demo.load_demo_hub": ("hub.Resource", "hub resources"),
    "cslab.training.demo.load_demo_training": ("training.TrainingModule", "training modules"),
    "cslab.events.demo.load_demo_events": ("events.Event", "events"),
    "cslab.consent.demo.load_demo_consent": ("consent.ConsentRecord", "consent records"),
    "cslab.participants.demo.load_demo_credit": (
        "participants.CreditPreference",
        "credit preferences",
    ),
    "cslab.impact.demo.load_demo_outputs": ("impact.Output", "outputs"),
    "cslab.notifications.demo.load_demo_notification_preferences": (
        "notifications.NotificationPreference",
        "notification preferences",
    ),
    "cslab.privacy.demo.load_demo_privacy": ("privacy.PageViewCount", "page-view counts"),
    "cslab.impact.demo.load_demo_impact": ("impact.DailyContribution", "daily contribution rows"),
    "cslab.exports.demo.load_demo_exports": ("exports.DataExport", "data exports"),
    "cslab.exports.demo.load_demo_import": ("exports.DataImport", "data imports"),
}


@dataclass(frozen=True)
class NamedLoader:
    """A loader with what progress lines call it ("projects" for `load_demo_projects`)."""

    path: str
    load: DemoLoader

    @property
    def label(self) -> str:
        return self.path.rsplit(".", 1)[-1].removeprefix("load_demo_").replace("_", " ")

    @property
    def counted(self) -> str:
        return DEMO_COUNTS[self.path][1] if self.path in DEMO_COUNTS else ""

    def __call__(self) -> list[DemoLogin]:
        return self.load()


def demo_loaders() -> list[NamedLoader]:
    return [NamedLoader(path, import_string(path)) for path in DEMO_LOADERS]


def demo_count(loader: NamedLoader) -> int | None:
    """How many rows of the loader's counted model exist now (None: it names none)."""
    if loader.path not in DEMO_COUNTS:
        return None
    return int(apps.get_model(DEMO_COUNTS[loader.path][0]).objects.count())
