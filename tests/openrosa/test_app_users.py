"""App users: services, the project page block, the lead's buttons and `cslab appuser`."""

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from cslab.core.errors import ConflictError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.forms.models import FormVersion
from cslab.openrosa.models import AppUser
from cslab.openrosa.services.app_users import app_user_create, app_user_revoke
from cslab.projects.models import Project

pytestmark = pytest.mark.django_db


def test_creating_and_revoking_an_app_user_is_audited(project: Project) -> None:
    app_user = app_user_create(actor=project.initiator, project=project, name="Phone")
    app_user_revoke(actor=project.initiator, app_user=app_user)

    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert sorted(actions) == ["openrosa.app_user_created", "openrosa.app_user_revoked"]
    assert len(app_user.token) >= 60
    with pytest.raises(ConflictError):
        app_user_revoke(actor=project.initiator, app_user=app_user)


def test_a_team_member_who_is_no_lead_may_not_create_app_users(
    project: Project, member: Any
) -> None:
    with pytest.raises(PermissionDeniedError):
        app_user_create(actor=member, project=project, name="Phone")


def test_the_command_prints_only_the_server_url_with_the_token(
    project: Project, settings: Any
) -> None:
    settings.SITE_URL = "https://lab.example.org"
    out = io.StringIO()

    call_command("appuser", "create", project.slug, "--name", "Field phone", stdout=out)

    app_user = AppUser.objects.get()
    assert out.getvalue() == (
        f"https://lab.example.org/openrosa/key/{app_user.token}/{project.slug}\n"
    )
    assert app_user.name == "Field phone" and app_user.created_by is None


def test_the_project_page_shows_leads_the_server_and_app_user_urls(
    client: Client, project: Project, version: FormVersion
) -> None:
    client.force_login(project.initiator)

    created = client.post(f"/openrosa/{project.slug}/app-users/", {"name": "Tablet"})
    page = client.get(f"/projects/{project.slug}/")

    app_user = AppUser.objects.get()
    assert created.status_code == 302
    html = page.content.decode()
    assert f"http://testserver/openrosa/{project.slug}" in html
    assert f"http://testserver/openrosa/key/{app_user.token}/{project.slug}" in html
    assert f"/openrosa/{project.slug}/app-users/{app_user.pk}/revoke" in html

    revoked = client.post(f"/openrosa/{project.slug}/app-users/{app_user.pk}/revoke")

    assert revoked.status_code == 302
    assert AppUser.objects.get().revoked_at is not None
    assert app_user.token not in client.get(f"/projects/{project.slug}/").content.decode()


def test_members_see_the_server_url_but_no_app_users(
    client: Client, project: Project, member: Any, app_user: AppUser
) -> None:
    client.force_login(member)

    html = client.get(f"/projects/{project.slug}/").content.decode()

    assert f"/openrosa/{project.slug}<" in html or re.search(rf"/openrosa/{project.slug}\s*<", html)
    assert app_user.token not in html
    assert "app-users/" not in html
