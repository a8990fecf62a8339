"""The demo's projects have cover images, so that the home page's and the directory's cards are
not empty: drawn once, each with alt text, through the service that edits a project."""

import pytest
from PIL import Image

from cslab.accounts.demo import load_demo_people
from cslab.projects.demo import load_demo_projects
from cslab.projects.models import Project
from cslab.projects.selectors import project_list_listed

pytestmark = pytest.mark.django_db


def test_every_listed_demo_project_has_a_cover_image_with_alt_text_drawn_once() -> None:
    load_demo_people()
    load_demo_projects()
    covers = dict(Project.objects.values_list("slug", "image"))
    load_demo_projects()

    listed = list(project_list_listed())
    assert listed
    for project in listed:
        assert project.image, project.slug
        assert project.image_alt_text.startswith("An illustration in "), project.slug
        with project.image.open("rb") as stored, Image.open(stored) as image:
            assert image.size == (960, 540)
    assert dict(Project.objects.values_list("slug", "image")) == covers
