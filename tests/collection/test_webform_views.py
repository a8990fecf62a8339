"""The web form's pages: the form page, the service worker and the offline page; and a
submission shaped as the browser sends it, accepted by the API."""

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.staticfiles import finders

from cslab.core.roles import ProjectRole
from cslab.forms.services import form_publish_xlsform
from cslab.forms.views.webform import OFFLINE_ASSETS, WORKER_SCRIPTS
from cslab.observations.models import CollectionSettings, Observation
from cslab.projects.models import Membership, Project
from tests.collection.test_forms import settings_row, xlsx
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    form_publish_xlsform(
        actor=project.initiator, project=project, file_name="birds.xlsx", content=xlsx()
    )
    return project


def fill_url(project: Project, form_id: str = "bird_count") -> str:
    return f"/projects/{project.slug}/forms/{form_id}/fill/"


def member_of(project: Project, make_user: Any, role: str = ProjectRole.MEMBER) -> Any:
    user = make_user()
    Membership.objects.create(project=project, user=user, role=role)
    return user


def json_script(html: str, element_id: str) -> Any:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


def test_a_member_gets_the_form_drawn_from_its_render_model(
    client: Any, project: Project, make_user: Any
) -> None:
    client.force_login(member_of(project, make_user))

    page = client.get(fill_url(project))

    assert page.status_code == 200
    html = page.content.decode()
    model = json_script(html, "webform-model")
    assert (model["form_id"], model["version"]) == ("bird_count", "1")
    assert [node["name"] for node in model["children"]][:3] == ["observer", "seen_on", "location"]
    assert f'data-submit-url="/api/v1/projects/{project.slug}/forms/bird_count/submissions"' in html
    assert "data-csrf-token=" in html
    assert 'data-service-worker-url="/collect-sw.js"' in html
    texts = json_script(html, "webform-texts")
    assert texts["waiting_other"] == "%(count)s observations waiting to be sent."
    # Without JavaScript the page says what is missing; the form itself starts hidden.
    assert "This form needs JavaScript" in html
    assert re.search(r'<form id="webform-form"[^>]*\bhidden\b', html)
    # No inline script may run under the CSP: only JSON data blocks and script files.
    for script in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html):
        assert 'type="application/json"' in script


def test_the_questions_follow_the_page_language_and_may_be_switched(
    client: Any, project: Project, make_user: Any
) -> None:
    client.force_login(member_of(project, make_user))

    html = client.get(fill_url(project), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert 'data-language="Nederlands (nl)"' in html
    assert '<option value="English (en)" lang="en">English</option>' in html
    assert '<option value="Nederlands (nl)" lang="nl" selected>Nederlands</option>' in html


def test_the_projects_default_geoprivacy_is_preselected(
    client: Any, project: Project, make_user: Any
) -> None:
    CollectionSettings.objects.create(project=project, default_geoprivacy="obscured")
    client.force_login(member_of(project, make_user))

    html = client.get(fill_url(project)).content.decode()

    checked = re.findall(
        r'<input type="radio" name="geoprivacy"[^>]*value="(\w+)"[^>]*checked', html
    )
    assert checked == ["obscured"]
    assert 'data-default-geoprivacy="obscured"' in html


def test_the_page_shows_the_latest_published_version(
    client: Any, project: Project, make_user: Any
) -> None:
    form_publish_xlsform(
        actor=project.initiator,
        project=project,
        file_name="b.xlsx",
        content=xlsx(settings=settings_row(version="2")),
    )
    client.force_login(member_of(project, make_user))

    model = json_script(client.get(fill_url(project)).content.decode(), "webform-model")

    assert model["version"] == "2"


def test_someone_signed_out_is_sent_to_log_in_or_sign_up_and_come_back(client: Any) -> None:
    public: Project = ProjectFactory(public=True)
    form_publish_xlsform(actor=public.initiator, project=public, file_name="b.xlsx", content=xlsx())

    page = client.get(fill_url(public))

    assert page.status_code == 302
    assert page["Location"] == "/accounts/login/?next=" + fill_url(public)
    log_in = client.get(page["Location"]).content.decode()
    assert 'href="/accounts/signup/?next=' + quote(fill_url(public), safe="") in log_in


def test_a_signed_in_outsider_is_shown_how_to_join_the_project(client: Any, volunteer: Any) -> None:
    public: Project = ProjectFactory(public=True)
    form_publish_xlsform(actor=public.initiator, project=public, file_name="b.xlsx", content=xlsx())
    client.force_login(volunteer)

    page = client.get(fill_url(public))

    assert page.status_code == 403
    html = page.content.decode()
    assert f'href="/projects/{public.slug}/join/"' in html
    assert "webform-model" not in html


def test_the_forms_list_offers_fill_in_only_to_those_who_may_submit(
    client: Any, project: Project, volunteer: Any, make_user: Any
) -> None:
    project.visibility = Project.Visibility.PUBLIC
    project.save(update_fields=["visibility"])
    forms_url = f"/projects/{project.slug}/forms/"

    anonymous = client.get(forms_url).content.decode()
    client.force_login(volunteer)
    outsider = client.get(forms_url).content.decode()
    client.force_login(member_of(project, make_user))
    member = client.get(forms_url).content.decode()

    assert f'href="{fill_url(project)}"' not in anonymous
    assert f'href="/accounts/login/?next={fill_url(project)}"' in anonymous
    assert "Log in to contribute" in anonymous
    assert f'href="{fill_url(project)}"' not in outsider and "Join to contribute" in outsider
    assert f'href="/projects/{project.slug}/join/"' in outsider
    assert f'href="{fill_url(project)}"' in member and "Join to contribute" not in member


def test_a_private_projects_form_is_not_found_for_outsiders(
    client: Any, project: Project, volunteer: Any
) -> None:
    client.force_login(volunteer)

    assert client.get(fill_url(project)).status_code == 404


def test_an_unknown_form_is_not_found(client: Any, project: Project, make_user: Any) -> None:
    client.force_login(member_of(project, make_user))

    assert client.get(fill_url(project, "no_such_form")).status_code == 404


def test_the_service_worker_is_served_from_the_root_with_its_files_to_keep(client: Any) -> None:
    response = client.get("/collect-sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/projects/"
    body = response.content.decode()
    settings = json.loads(re.search(r"self\.CSLAB_WEBFORM = (\{.*?\});", body).group(1))  # type: ignore[union-attr]
    assert "/static/collection/webform/webform.js" in settings["assets"]
    assert settings["offlineUrl"] == "/collect/offline/"
    assert re.fullmatch(r"[0-9a-f]{16}", settings["version"])
    assert 'importScripts("/static/collection/webform/queue.js", ' in body
    # Every file the worker keeps or imports exists, so installing it cannot fail.
    for asset in (*OFFLINE_ASSETS, *WORKER_SCRIPTS):
        assert finders.find(asset), asset


def test_the_offline_page_shows_the_outbox(client: Any) -> None:
    page = client.get("/collect/offline/")

    assert page.status_code == 200
    assert 'id="webform-outbox"' in page.content.decode()


def test_a_submission_shaped_as_the_browser_sends_it_is_accepted(
    client: Any, project: Project, make_user: Any
) -> None:
    client.force_login(member_of(project, make_user))
    payload = {
        "instance_id": "uuid:5b0c7d3e-9f4e-4c1a-8d55-0a4e3e1b2c3d",
        "version": "1",
        "answers": {
            "observer": "Sam",
            "seen_on": "2024-05-01",
            "location": "52.09 5.12 0 8",
            "species": "robin",
            "count": 3,
            "temperature": 18.5,
            "behaviour": "feeding singing",
            "cloud": 4,
            "photo": "photo-1714550000000.jpg",
            "double_count": "6",
            "habitat": "Hedge",
            "nests": [{"eggs": 4}, {"eggs": 2}],
        },
        "observed_at": "2024-05-01T10:15:00.000+02:00",
        "geoprivacy": "obscured",
        "location": {"latitude": 52.09, "longitude": 5.12, "accuracy": 8},
    }

    response = client.post(
        f"/api/v1/projects/{project.slug}/forms/bird_count/submissions",
        data=json.dumps(payload),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    observation = Observation.objects.get()
    assert observation.geoprivacy == "obscured"
    assert observation.answers["nests"] == [{"eggs": 4}, {"eggs": 2}]
    # Sending the same again (the outbox retrying) is answered as already stored.
    again = client.post(
        f"/api/v1/projects/{project.slug}/forms/bird_count/submissions",
        data=json.dumps(payload),
        content_type="application/json",
    )
    assert again.status_code == 200
    assert Observation.objects.count() == 1
