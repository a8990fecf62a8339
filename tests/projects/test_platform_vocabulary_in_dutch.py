"""Words the platform itself defines (not a project's own content) read in the viewer's language."""

from django.utils import translation

from cslab.projects.forms import sdg_label
from cslab.projects.vocabulary import SUSTAINABLE_DEVELOPMENT_GOALS


def test_a_sustainable_development_goal_is_named_in_dutch_for_a_dutch_reader() -> None:
    with translation.override("nl"):
        assert sdg_label("13") == "13. Klimaatactie"
    with translation.override("en"):
        assert sdg_label("13") == "13. Climate action"


def test_every_sustainable_development_goal_has_a_dutch_name() -> None:
    with translation.override("nl"):
        untranslated = [
            name
            for name in SUSTAINABLE_DEVELOPMENT_GOALS.values()
            if translation.gettext(name) == name
        ]
    assert untranslated == []
