"""Demo data: each area adds a loader; `cslab demo` runs them in order.

Loaders must be idempotent (run twice, nothing doubles): they look rows up by a natural key
protected by a unique constraint and create only what is missing.
"""

from collections.abc import Callable
from dataclasses import dataclass

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
)


def demo_loaders() -> list[DemoLoader]:
    return [import_string(path) for path in DEMO_LOADERS]
