"""Pages of a project's observations: table, map, one observation, moderation, settings, and
"my contributions"."""

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cslab.core.roles import ProjectRole
from cslab.forms.answers import Location
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from cslab.observations.models import (
    CollectionSettings,
    Observation,
    ObservationFlag,
    SensitiveCategory,
)
from cslab.observations.services.observations import observation_submit
from cslab.observations.views import observations as views_observations
from cslab.observations.views.observations import answer_rows, text_in
from cslab.projects.models import Project
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# A true point planted to check it shows up nowhere public (distinctive digits).
CANARY = (52.0907123, 5.1214567)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def birds_csv(form_id: str = "birds", title: str = "Birds", version: str = "1") -> bytes:
    rows = [
        ["survey", "type", "name", "label::English (en)", "label::Nederlands (nl)", "required"],
        ["", "select_one species", "species", "Species", "Soort", "yes"],
        ["", "integer", "count", "How many?", "Hoeveel?", ""],
        ["", "text", "notes", "Notes", "Opmerkingen", ""],
        ["", "image", "photo", "Photo", "Foto", ""],
        ["", "geopoint", "where", "Where", "Waar", ""],
        ["choices", "list_name", "name", "label::English (en)", "label::Nederlands (nl)"],
        ["", "species", "robin", "Robin", "Roodborst"],
        ["", "species", "wren", "Wren", "Winterkoning"],
        ["settings", "form_id", "form_title", "version"],
        ["", form_id, title, version],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def publish_birds(project: Project, form_id: str = "birds", title: str = "Birds") -> FormVersion:
    return form_publish_xlsform(
        actor=None,
        project=project,
        file_name=f"{form_id}.csv",
        content=birds_csv(form_id, title),
    )


def member_of(project: Project, user: Any, role: str) -> Any:
    MembershipFactory(project=project, user=user, role=role)
    return user


def observe(
    actor: Any,
    version: FormVersion,
    instance_id: str,
    *,
    answers: dict[str, Any] | None = None,
    location: Location | None = None,
    geoprivacy: str | None = None,
    observed_at: datetime | None = None,
) -> tuple[Observation, bool]:
    """Submit through the service, at the canary point unless told otherwise."""
    return observation_submit(
        actor=actor,
        form_version=version,
        instance_id=instance_id,
        answers=answers if answers is not None else {"species": "robin", "count": 2},
        location=location or Location(*CANARY, 5.0),
        geoprivacy=geoprivacy,
        observed_at=observed_at,
    )


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish_birds(project)


@pytest.fixture
def observer(project: Project, make_user: Any) -> Any:
    return member_of(project, make_user(), ProjectRole.MEMBER)


def table(project: Project) -> str:
    return f"/projects/{project.slug}/observations/"


def detail(observation: Observation) -> str:
    return f"/projects/{observation.project.slug}/observations/{observation.pk}/"


# --------------------------------------------------------------------------- labels


def test_question_labels_follow_the_language_with_english_as_fallback() -> None:
    labels = {"English (en)": "Species", "Nederlands (nl)": "Soort"}

    assert text_in(labels, "nl", "species") == "Soort"
    assert text_in(labels, "en", "species") == "Species"
    assert text_in(labels, "de", "species") == "Species"
    assert text_in({"English": "Species", "Nederlands": "Soort"}, "nl", "species") == "Soort"
    assert text_in({"": "How many?"}, "nl", "count") == "How many?"
    assert text_in({}, "nl", "count") == "count"


def test_answers_are_shown_with_labels_and_choice_labels_without_location_answers() -> None:
    source = {
        "survey": [
            {"type": "select_multiple birds", "name": "seen", "label": "Seen"},
            {"type": "geopoint", "name": "where", "label": "Where"},
            {"type": "begin_repeat", "name": "visits", "label": "Visits"},
            {"type": "integer", "name": "minutes", "label": "Minutes"},
            {"type": "end_repeat"},
        ],
        "choices": [
            {"list_name": "birds", "name": "robin", "label": "Robin"},
            {"list_name": "birds", "name": "wren", "label": "Wren"},
        ],
    }
    answers = {"seen": "robin wren", "where": "52.1 5.1 0 5", "visits": [{"minutes": 5}]}

    rows = answer_rows(source, answers, "en")

    assert [(row.label, row.value) for row in rows] == [("Seen", "Robin, Wren"), ("Visits", "")]
    assert [(item.label, item.value) for item in rows[1].items[0]] == [("Minutes", "5")]


# --------------------------------------------------------------------------- table


def test_the_table_lists_the_observations_without_javascript(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1")

    page = client.get(table(project))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<form id="observation-filter-form" method="get"' in html
    assert "<caption" in html and '<th scope="col">' in html
    assert detail(observation) in html and "<html" in html


def test_an_htmx_request_gets_only_the_filters_and_the_table(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observe(observer, version, "uuid:1")

    page = client.get(table(project), headers={"HX-Request": "true"})

    html = page.content.decode()
    assert page.status_code == 200
    assert html.lstrip().startswith('<div id="observation-region">') and "<html" not in html


def test_filters_narrow_the_table(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    robin, _ = observe(
        observer, version, "uuid:robin", observed_at=datetime(2026, 3, 1, 10, tzinfo=AMSTERDAM)
    )
    wren, _ = observe(
        observer,
        version,
        "uuid:wren",
        answers={"species": "wren"},
        observed_at=datetime(2026, 5, 1, 10, tzinfo=AMSTERDAM),
    )
    Observation.objects.filter(pk=wren.pk).update(status="accepted")
    other_form = publish_birds(project, form_id="bats", title="Bats")
    bat, _ = observe(observer, other_form, "uuid:bat", location=Location(10.0, 10.0))

    def listed(query: str) -> set[int]:
        html = client.get(f"{table(project)}?{query}").content.decode()
        return {item.pk for item in (robin, wren, bat) if detail(item) in html}

    assert listed("") == {robin.pk, wren.pk, bat.pk}
    assert listed("status=accepted") == {wren.pk}
    assert listed("form=bats") == {bat.pk}
    assert listed("form=birds&field.species=wren") == {wren.pk}
    assert listed("from=2026-04-01&to=2026-06-01") == {wren.pk}
    assert listed("bbox=5.0,52.0,5.2,52.2") == {robin.pk, wren.pk}


def test_choosing_a_form_offers_its_questions_as_filters_in_the_language(
    client: Any, project: Project, version: FormVersion
) -> None:
    html = client.get(
        f"{table(project)}?form=birds", headers={"Accept-Language": "nl"}
    ).content.decode()

    assert 'name="field.species"' in html and "Winterkoning" in html and "Soort" in html
    assert 'name="field.where"' not in html


def test_filters_that_make_no_sense_are_explained(client: Any, project: Project) -> None:
    page = client.get(f"{table(project)}?from=someday&status=lost")

    assert page.status_code == 400
    html = page.content.decode()
    assert 'role="alert"' in html and "lost" in html


def test_the_table_pages_newest_first_without_overlap(
    client: Any,
    project: Project,
    version: FormVersion,
    observer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views_observations, "PAGE_SIZE", 2)
    made = [observe(observer, version, f"uuid:{number}")[0] for number in range(3)]

    first = client.get(f"{table(project)}?status=pending")
    assert first.context["next_query"] == "status=pending&page=2"
    second = client.get(f"{table(project)}?{first.context['next_query']}")

    assert [row.observation.pk for row in first.context["rows"]] == [made[2].pk, made[1].pk]
    assert [row.observation.pk for row in second.context["rows"]] == [made[0].pk]
    assert second.context["next_query"] == ""


@pytest.mark.parametrize("page_number", ["²", "99999999999999999999999", "-1", "x", "0"])
def test_a_page_that_is_no_page_number_shows_the_first_page(
    client: Any, project: Project, version: FormVersion, observer: Any, page_number: str
) -> None:
    made, _created = observe(observer, version, "uuid:only")

    page = client.get(table(project), {"status": "pending", "page": page_number})

    assert page.status_code == 200
    assert [row.observation.pk for row in page.context["rows"]] == [made.pk]


def test_the_public_table_shows_an_obscured_time_as_a_day(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observe(
        observer,
        version,
        "uuid:1",
        geoprivacy="obscured",
        observed_at=datetime(2026, 5, 1, 7, 42, tzinfo=AMSTERDAM),
    )

    html = client.get(table(project)).content.decode()

    assert "(day only)" in html and "7:42" not in html and "Obscured" in html


# --------------------------------------------------------------------------- map page


def test_the_map_page_points_its_script_at_the_layer_api_with_the_filters(
    client: Any, project: Project
) -> None:
    page = client.get(f"/projects/{project.slug}/observations/map/?status=accepted&bbox=1,2,3,4")

    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-layer-url="/api/v1/projects/{project.slug}/observations/map"' in html
    assert 'data-layer-query="status=accepted"' in html
    assert 'data-initial-bbox="1,2,3,4"' in html
    assert "collection/map.js" in html and "<script>" not in html


# --------------------------------------------------------------------------- one observation


def test_the_observation_page_shows_answers_with_labels_in_the_language(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation, _ = observe(
        observer,
        version,
        "uuid:1",
        answers={"species": "wren", "count": 3, "notes": "By the pond", "photo": "p1.jpg"},
    )

    english = client.get(detail(observation)).content.decode()
    dutch = client.get(detail(observation), headers={"Accept-Language": "nl"}).content.decode()

    assert "Species" in english and "Wren" in english and "By the pond" in english
    assert "Soort" in dutch and "Winterkoning" in dutch
    assert f'src="/observations/{observation.pk}/media/p1.jpg"' in english  # photo-first: full size


def test_the_public_observation_page_of_an_obscured_observation_hides_the_true_point(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    where = "52.0907123 5.1214567 0 5"
    observation, _ = observe(
        observer,
        version,
        "uuid:1",
        geoprivacy="obscured",
        answers={"species": "robin", "where": where},
    )

    public = client.get(detail(observation)).content.decode()
    client.force_login(observer)
    own = client.get(detail(observation)).content.decode()

    assert "5.1214567" not in public and "52.09071" not in public
    assert "the exact place is hidden" in public and "data-cell=" in public
    assert "52.09071" in own


def test_a_private_observation_page_shows_no_location_to_the_public(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1", geoprivacy="private")

    html = client.get(detail(observation)).content.decode()

    assert "The location of this observation is private." in html
    assert "observation-location-map" not in html and "52.09" not in html


def test_anyone_signed_in_can_flag_an_observation_from_its_page(
    client: Any, project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1")
    client.force_login(volunteer)

    response = client.post(f"{detail(observation)}flag/", {"reason": "That is a sparrow."})

    assert response.status_code == 302 and response["Location"] == detail(observation)
    flag = ObservationFlag.objects.get(observation=observation)
    assert flag.flagged_by == volunteer and flag.reason == "That is a sparrow."
    observation.refresh_from_db()
    assert observation.status == "flagged"


def test_a_flag_without_a_reason_is_refused_with_a_message(
    client: Any, project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1")
    client.force_login(volunteer)

    response = client.post(f"{detail(observation)}flag/", {"reason": " "}, follow=True)

    assert not ObservationFlag.objects.exists()
    assert "message-error" in response.content.decode()


def test_flagging_twice_from_the_page_explains_instead_of_failing(
    client: Any, project: Project, version: FormVersion, observer: Any, volunteer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1")
    client.force_login(volunteer)
    client.post(f"{detail(observation)}flag/", {"reason": "That is a sparrow."})

    again = client.post(f"{detail(observation)}flag/", {"reason": "Still a sparrow."}, follow=True)

    assert again.status_code == 200 and "message-error" in again.content.decode()
    assert ObservationFlag.objects.filter(observation=observation).count() == 1


def test_a_moderator_accepts_an_observation_from_its_page(
    client: Any, project: Project, version: FormVersion, observer: Any, make_user: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1")
    client.force_login(member_of(project, make_user(), ProjectRole.MODERATOR))

    assert "Moderate" in client.get(detail(observation)).content.decode()
    response = client.post(f"{detail(observation)}moderate/", {"status": "accepted"})

    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.status == "accepted"


def test_a_member_may_not_moderate(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1")
    client.force_login(observer)

    assert 'name="status"' not in client.get(detail(observation)).content.decode()
    assert client.post(f"{detail(observation)}moderate/", {"status": "accepted"}).status_code == 403


def test_the_observation_page_lists_its_edit_history(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    first, _ = observe(observer, version, "uuid:1")
    second, _ = observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:2",
        answers={"species": "wren"},
        deprecated_id="uuid:1",
    )

    html = client.get(detail(second)).content.decode()

    assert "Edit history" in html and detail(first) in html


def test_team_members_see_the_plausibility_warnings_the_public_does_not(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1")
    Observation.objects.filter(pk=observation.pk).update(
        warnings=[{"code": "outside_area", "message": "Outside the project area."}]
    )

    assert "Outside the project area." not in client.get(detail(observation)).content.decode()
    client.force_login(project.initiator)
    assert "Outside the project area." in client.get(detail(observation)).content.decode()


# --------------------------------------------------------------------------- moderation queue


def test_the_moderation_queue_lists_what_waits_and_moderates_from_there(
    client: Any, project: Project, version: FormVersion, observer: Any, make_user: Any
) -> None:
    waiting, _ = observe(observer, version, "uuid:1")
    done, _ = observe(observer, version, "uuid:2")
    Observation.objects.filter(pk=done.pk).update(status="accepted")
    client.force_login(member_of(project, make_user(), ProjectRole.MODERATOR))
    queue = f"/projects/{project.slug}/moderation/"

    html = client.get(queue).content.decode()
    assert detail(waiting) in html and detail(done) not in html

    response = client.post(
        f"{detail(waiting)}moderate/",
        {"status": "rejected", "reason": "Duplicate.", "next": queue},
    )
    assert response.status_code == 302 and response["Location"] == queue
    waiting.refresh_from_db()
    assert (waiting.status, waiting.status_reason) == ("rejected", "Duplicate.")


def test_members_have_no_moderation_queue(client: Any, project: Project, observer: Any) -> None:
    client.force_login(observer)

    assert client.get(f"/projects/{project.slug}/moderation/").status_code == 403


# --------------------------------------------------------------------------- settings


def test_the_owner_changes_the_collection_settings(client: Any, project: Project) -> None:
    client.force_login(project.initiator)
    url = f"/projects/{project.slug}/collection-settings/"

    assert client.get(url).status_code == 200
    response = client.post(url, {"default_geoprivacy": "obscured", "accept_without_review": "on"})

    assert response.status_code == 302
    settings = CollectionSettings.objects.get(project=project)
    assert (settings.default_geoprivacy, settings.accept_without_review) == ("obscured", True)


def test_the_settings_page_offers_the_questions_of_each_forms_latest_version(
    client: Any, project: Project, version: FormVersion
) -> None:
    publish_birds(project, form_id="insects", title="Insects")
    client.force_login(project.initiator)

    page = client.get(f"/projects/{project.slug}/collection-settings/")

    names = [name for name, _label in page.context["questions"]]
    assert sorted(names) == ["count", "notes", "photo", "species"]
    assert "where" not in names


def test_an_unknown_geoprivacy_is_refused_on_the_settings_page(
    client: Any, project: Project
) -> None:
    client.force_login(project.initiator)

    response = client.post(
        f"/projects/{project.slug}/collection-settings/", {"default_geoprivacy": "secret"}
    )

    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_the_owner_marks_and_unmarks_a_sensitive_category(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1", answers={"species": "wren"})
    client.force_login(project.initiator)
    settings_url = f"/projects/{project.slug}/collection-settings/"

    page = client.get(settings_url).content.decode()
    assert '<option value="species">' in page
    client.post(f"{settings_url}sensitive/", {"question": "species", "values": "wren\nrobin"})

    category = SensitiveCategory.objects.get(project=project)
    assert (category.question, sorted(category.values)) == ("species", ["robin", "wren"])
    observation.refresh_from_db()
    assert observation.geoprivacy_forced is True

    client.post(f"{settings_url}sensitive/remove/", {"question": "species"})
    assert not SensitiveCategory.objects.filter(project=project).exists()


def test_members_may_not_see_the_collection_settings(
    client: Any, project: Project, observer: Any
) -> None:
    client.force_login(observer)

    assert client.get(f"/projects/{project.slug}/collection-settings/").status_code == 403


# --------------------------------------------------------------------------- mine


def test_my_contributions_lists_my_observations_across_projects_with_counts(
    client: Any, project: Project, version: FormVersion, observer: Any, make_user: Any
) -> None:
    mine, _ = observe(observer, version, "uuid:1")
    other_project: Project = ProjectFactory(public=True)
    member_of(other_project, observer, ProjectRole.MEMBER)
    elsewhere, _ = observe(observer, publish_birds(other_project), "uuid:2")
    Observation.objects.filter(pk=elsewhere.pk).update(status="accepted")
    someone_else = member_of(project, make_user(), ProjectRole.MEMBER)
    theirs, _ = observe(someone_else, version, "uuid:3")
    client.force_login(observer)

    page = client.get("/accounts/me/observations/")

    html = page.content.decode()
    assert detail(mine) in html and detail(elsewhere) in html and detail(theirs) not in html
    assert page.context["figures"]["observations"] == 2
    assert dict(page.context["counts"])["Accepted"] == 1


def test_my_contributions_asks_a_visitor_to_log_in(client: Any) -> None:
    response = client.get("/accounts/me/observations/")

    assert response.status_code == 302 and "login" in response["Location"]


# --------------------------------------------------------------------------- navigation


def test_the_project_page_links_to_its_data(client: Any, project: Project) -> None:
    html = client.get(f"/projects/{project.slug}/").content.decode()

    assert f"/projects/{project.slug}/observations/map/" in html
    assert f"/projects/{project.slug}/observations/" in html
    assert f"/projects/{project.slug}/forms/" in html
