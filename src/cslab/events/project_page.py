"""What events add to a project's page: its upcoming events, and for its owners and
researchers a link to organise one."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cslab.core import permissions, project_page
from cslab.core.actors import Actor
from cslab.core.project_page import Link, LinkGroup, ProjectPart
from cslab.core.templatetags.cslab_format import moment_text
from cslab.events.selectors.listing import event_list_for_project
from cslab.projects.models import Project

MAX_SHOWN = 5


def project_part(project: Project, viewer: Actor) -> ProjectPart:
    events = list(event_list_for_project(viewer, project, now=timezone.now())[: MAX_SHOWN + 1])
    groups = []
    if events:
        more = 0
        if len(events) > MAX_SHOWN:
            more = event_list_for_project(viewer, project, now=timezone.now()).count() - MAX_SHOWN
        links = [
            Link(
                f"{event.title} ({moment_text(event.starts_at)})"
                if event.starts_at
                else event.title,
                event.get_absolute_url(),
            )
            for event in events[:MAX_SHOWN]
        ]
        groups.append(LinkGroup(_("Upcoming events"), links, more=more))
    actions = []
    if viewer.is_authenticated and permissions.has_permission(
        viewer, "events.event.create_for_project", project
    ):
        actions.append(
            Link(
                _("Organise an event"),
                f"{reverse('event_create')}?{urlencode({'project': project.slug})}",
            )
        )
    return ProjectPart(link_groups=groups, links=actions)


project_page.register_project_part("events", project_part)
