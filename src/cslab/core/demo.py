"""Demo data: each area adds a loader; `cslab demo` runs them in order.

Loaders must be idempotent (run twice, nothing doubles): they look rows up by a natural key
protected by a unique constraint and create only what is missing.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    who: str


DemoLoader = Callable[[], list[DemoLogin]]


def demo_loaders() -> list[DemoLoader]:
    from cslab.accounts.demo import load_demo_people
    from cslab.classification.demo import load_demo_classification
    from cslab.forms.demo import load_demo_forms
    from cslab.observations.demo import load_demo_observations
    from cslab.projects.demo import load_demo_projects
    from cslab.questions.demo import load_demo_questions

    return [
        load_demo_people,
        load_demo_projects,
        load_demo_questions,
        load_demo_forms,
        load_demo_observations,
        load_demo_classification,
    ]
