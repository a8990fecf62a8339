"""Screenshots of the feedback part, the moderation queue and the checklist with the guide."""

from typing import Any

import pytest
from django.test import Client

from cslab.core.roles import SiteRole
from cslab.hub.services import feedback
from cslab.hub.vocabulary import ResourceKind, TemplateType
from cslab.projects.models import ProjectTag

# The browser fixtures live in tests/browser/conftest.py; this module uses them from here.
from tests.browser.screenshots import save_screenshot
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def test_feedback_screenshots(new_page: Any, live_server: Any, transactional_db: Any) -> None:
    staff = UserFactory(site_role=SiteRole.STAFF, display_name="Dr. Curator")
    project = ProjectFactory(public=True, name="Swifts of Utrecht", status="incubating")
    ProjectTag.objects.create(project=project, kind="domain", value="ecology")
    resource = make_resource(title="Counting swifts at dusk", tags={"domain": ["ecology"]})
    make_resource(
        kind=ResourceKind.TEMPLATE,
        template_type=TemplateType.CONSENT_FORM,
        title="Consent form for volunteers",
    )
    feedback.resource_endorse(actor=staff, resource=resource, statement="A clear method.")
    feedback.resource_rate(actor=staff, resource=resource, stars=4)
    reader = UserFactory(display_name="Ana")
    good = feedback.resource_comment_post(actor=reader, resource=resource, text="Worked well.")
    bad = feedback.resource_comment_post(actor=reader, resource=resource, text="Buy now!!!")
    feedback.resource_comment_flag(actor=staff, comment=good, reason="Check the claim")
    feedback.resource_comment_hide(actor=staff, comment=bad, reason="Advertising")
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        page.context.add_cookies(
            [{"name": "sessionid", "value": _session(project.initiator), "url": live_server.url}]
        )
        page.goto(resource.get_absolute_url())
        save_screenshot(page, "hub-feedback-resource")
        page.goto(f"/projects/{project.slug}/checklist/")
        save_screenshot(page, "hub-feedback-checklist")
        staff_page = new_page(viewport)
        staff_page.context.add_cookies(
            [{"name": "sessionid", "value": _session(staff), "url": live_server.url}]
        )
        staff_page.goto("/hub/comments/")
        save_screenshot(staff_page, "hub-feedback-moderation")
