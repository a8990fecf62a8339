"""What the hub adds to a project's page and to its incubation checklist.

The project page lists the hub resources the project uses (those the viewer may open, at most
MAX_USED_SHOWN and how many more); the checklist page links each item to the templates made for
it and suggests resources that fit the project (`selectors.guide`).
"""

from django.utils.translation import gettext as _

from cslab.core import project_page
from cslab.core.actors import Actor
from cslab.core.project_page import IncubationGuide, Link, LinkGroup, ProjectPart
from cslab.hub.selectors.feedback import resources_used_by_project
from cslab.hub.selectors.guide import guide_for_project
from cslab.projects.models import Project

MAX_USED_SHOWN = 5


def project_part(project: Project, viewer: Actor) -> ProjectPart:
    used = list(resources_used_by_project(project, viewer)[: MAX_USED_SHOWN + 1])
    if not used:
        return ProjectPart()
    more = 0
    if len(used) > MAX_USED_SHOWN:
        more = resources_used_by_project(project, viewer).count() - MAX_USED_SHOWN
    links = [Link(resource.title, resource.get_absolute_url()) for resource in used]
    return ProjectPart(
        link_groups=[LinkGroup(_("Resources this project uses"), links[:MAX_USED_SHOWN], more=more)]
    )


def incubation_guide(project: Project, viewer: Actor) -> IncubationGuide:
    guide = guide_for_project(project, viewer)
    return IncubationGuide(
        item_links={
            item: [Link(resource.title, resource.get_absolute_url()) for resource in templates]
            for item, templates in guide.templates.items()
            if templates
        },
        suggestions=[
            Link(resource.title, resource.get_absolute_url()) for resource in guide.suggestions
        ],
    )


project_page.register_project_part("hub", project_part)
project_page.register_incubation_guide("hub", incubation_guide)
