"""Screenshots of the certificate check, my certificates, a profile with certificates, the
role requirements page and the join page that names the training to do first."""

from typing import Any

import pytest
from django.test import Client

from cslab.core.roles import ProjectRole
from cslab.projects.services.projects import project_create
from cslab.training.models import RoleRequirement
from tests.browser.screenshots import save_screenshot
from tests.factories import UserFactory
from tests.training.factories import make_certificate, make_module

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def _fits(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_certificate_and_requirement_screens(
    new_page: Any, live_server: Any, transactional_db: Any, assert_accessible: Any
) -> None:
    holder = UserFactory(display_name="Maria van der Berg-Oosterhuis", profile_public=True)
    owner = UserFactory(display_name="Dr. Owner")
    module = make_module(title="Data quality and moderation")
    species = make_module(title="Species identification for beginners")
    certificate = make_certificate(
        user=holder, module=module, holder_name=holder.display_name, show_on_profile=True
    )
    make_certificate(user=holder, module=species, holder_name=holder.display_name)
    project = project_create(
        actor=None,
        owner=owner,
        name="Swifts of Utrecht",
        status="active",
        visibility="public",
        membership_policy="open",
    )
    RoleRequirement.objects.create(project=project, role=ProjectRole.MEMBER, module=species)
    RoleRequirement.objects.create(project=project, role=ProjectRole.MODERATOR, module=module)
    volunteer = UserFactory(display_name="Vera")
    for viewport in (PHONE, DESKTOP):
        visitor = new_page(viewport)
        visitor.goto(f"/certificates/{certificate.code}/")
        _fits(visitor)
        assert_accessible(visitor)
        save_screenshot(visitor, "training-certificate-verify")
        visitor.goto(f"/people/{holder.pk}/")
        save_screenshot(visitor, "training-profile-certificates")

        mine = new_page(viewport)
        mine.context.add_cookies(
            [{"name": "sessionid", "value": _session(holder), "url": live_server.url}]
        )
        mine.goto("/training/certificates/")
        _fits(mine)
        assert_accessible(mine)
        save_screenshot(mine, "training-certificates-mine")

        lead = new_page(viewport)
        lead.context.add_cookies(
            [{"name": "sessionid", "value": _session(owner), "url": live_server.url}]
        )
        lead.goto(f"/projects/{project.slug}/training/")
        _fits(lead)
        assert_accessible(lead)
        save_screenshot(lead, "training-role-requirements")
        lead.goto(f"/projects/{project.slug}/team/")
        save_screenshot(lead, "training-team-roles")

        joiner = new_page(viewport)
        joiner.context.add_cookies(
            [{"name": "sessionid", "value": _session(volunteer), "url": live_server.url}]
        )
        joiner.goto(f"/projects/{project.slug}/join/")
        _fits(joiner)
        assert_accessible(joiner)
        save_screenshot(joiner, "training-join-requirement")
