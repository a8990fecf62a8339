"""What consent adds to a project's page: the version in force and the viewer's consent
("you consented on …" or "please read and consent"), and for the team the way to its versions
and the consent records."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cslab.consent.selectors import project_consent_state
from cslab.core import permissions, project_page
from cslab.core.actors import Actor
from cslab.core.project_page import Link, LinkGroup, ProjectPart
from cslab.core.templatetags.cslab_format import day_text
from cslab.projects.models import Project


def project_part(project: Project, viewer: Actor) -> ProjectPart:
    links: list[Link] = []
    state = project_consent_state(user=viewer, project=project)
    if state.version is not None:
        number = state.version.number
        if state.consented_to_version_in_force and state.mine is not None:
            label = _("Consent: version %(number)s — you consented on %(day)s") % {
                "number": number,
                "day": day_text(state.mine.granted_at),
            }
        elif state.mine is not None:
            label = _("Consent: version %(number)s is new — please read and consent") % {
                "number": number
            }
        else:
            label = _("Consent: version %(number)s — please read and consent") % {"number": number}
        links.append(Link(label, state.consent_url))
    team_links: list[Link] = []
    if viewer.is_authenticated and permissions.has_permission(
        viewer, "consent.version.manage", project
    ):
        team_links.append(
            Link(
                _("Manage consent versions"),
                reverse("project_consent_versions", kwargs={"slug": project.slug}),
            )
        )
        if state.version is not None:
            team_links.append(
                Link(
                    _("Consent records (CSV)"),
                    reverse("project_consent_records_csv", kwargs={"slug": project.slug}),
                )
            )
    groups = [LinkGroup(_("Consent"), links)] if links else []
    return ProjectPart(link_groups=groups, links=team_links)


project_page.register_project_part("consent", project_part)
