"""The data views of a project's observations: the table's order, answer columns and photos,
the photo gallery, "My contributions", the moderation queue with bulk actions, and warnings
that name their question (issue 11, items 9, 13, 15 and 19)."""

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cslab.classification.models import Classification, SubjectComment
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.forms.models import FormVersion
from cslab.media.services import media_attach
from cslab.observations.models import Observation, SensitiveCategory
from cslab.observations.views.observations import warning_texts
from cslab.projects.models import Project
from cslab.questions.services.comments import comment_post
from cslab.questions.services.questions import question_propose
from tests.classification.helpers import make_workflow
from tests.collection.test_observation_views import (
    detail,
    member_of,
    observe,
    publish_birds,
    table,
)
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PHOTO = "1714550000000.jpg"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def with_photo(observer: Any, version: FormVersion, instance_id: str, **extra: Any) -> Any:
    observation, _created = observe(
        observer,
        version,
        instance_id,
        answers={"species": "robin", "count": 2, "notes": "On the feeder", "photo": PHOTO},
        **extra,
    )
    media_attach(
        actor=observer,
        observation=observation,
        name=PHOTO,
        uploaded_file=SimpleUploadedFile(PHOTO, jpeg(), content_type="image/jpeg"),
    )
    return observation


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


@pytest.fixture
def researcher(project: Project, make_user: Any) -> Any:
    return member_of(project, make_user(), ProjectRole.RESEARCHER)


def listed(page: Any) -> list[int]:
    return [row.observation.pk for row in page.context["rows"]]


# --------------------------------------------------------------------------- table order


def test_the_table_is_newest_first_by_time_observed_not_by_number(
    client: Any, project: Project, version: FormVersion, observer: Any, researcher: Any
) -> None:
    late, _ = observe(
        observer, version, "uuid:1", observed_at=datetime(2026, 6, 3, tzinfo=AMSTERDAM)
    )
    early, _ = observe(
        observer, version, "uuid:2", observed_at=datetime(2026, 6, 1, tzinfo=AMSTERDAM)
    )
    middle, _ = observe(
        observer, version, "uuid:3", observed_at=datetime(2026, 6, 2, tzinfo=AMSTERDAM)
    )
    client.force_login(researcher)

    assert listed(client.get(table(project))) == [late.pk, middle.pk, early.pk]
    assert listed(client.get(table(project), {"sort": "observed"})) == [
        early.pk,
        middle.pk,
        late.pk,
    ]
    assert listed(client.get(table(project), {"sort": "-number"})) == [middle.pk, early.pk, late.pk]
    # An order the table does not offer is the default one, not an error.
    assert listed(client.get(table(project), {"sort": "answers__x"})) == [
        late.pk,
        middle.pk,
        early.pk,
    ]


def test_the_public_order_within_a_day_does_not_give_away_an_obscured_time(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    hidden, _ = observe(
        observer,
        version,
        "uuid:1",
        geoprivacy="obscured",
        observed_at=datetime(2026, 6, 1, 18, tzinfo=AMSTERDAM),
    )
    morning, _ = observe(
        observer, version, "uuid:2", observed_at=datetime(2026, 6, 1, 8, tzinfo=AMSTERDAM)
    )
    evening, _ = observe(
        observer, version, "uuid:3", observed_at=datetime(2026, 6, 1, 20, tzinfo=AMSTERDAM)
    )

    # Same day: by number, whatever the hidden time of day.
    assert listed(client.get(table(project))) == [evening.pk, morning.pk, hidden.pk]


def test_sorting_headings_say_how_the_table_is_sorted(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observe(observer, version, "uuid:1")

    html = client.get(table(project)).content.decode()

    assert 'aria-sort="descending"><a href="?sort=observed"' in html
    assert "newest first" in html


# --------------------------------------------------------------------------- answer columns


def test_the_first_questions_of_the_form_are_answer_columns_by_default(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observe(observer, version, "uuid:1", answers={"species": "robin", "count": 7, "notes": "Wet"})

    page = client.get(table(project))

    assert [column.label for column in page.context["shown_columns"]] == [
        "Species",
        "How many?",
        "Notes",
    ]
    assert page.context["rows"][0].cells == ["Robin", "7", "Wet"]  # choices by their label


def test_chosen_columns_come_from_the_address_and_unknown_ones_are_ignored(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observe(observer, version, "uuid:1", answers={"species": "robin", "count": 7, "notes": "Wet"})

    page = client.get(table(project), {"column": ["notes", "where", "nope"]})

    assert [column.label for column in page.context["shown_columns"]] == ["Notes"]
    assert page.context["rows"][0].cells == ["Wet"]
    html = page.content.decode()
    assert 'name="column" value="notes" checked' in html
    assert 'value="species" aria-describedby' in html


def test_answer_columns_show_only_what_the_viewer_may_see(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    SensitiveCategory.objects.create(project=project, question="notes", values=[])
    observe(
        observer,
        version,
        "uuid:1",
        answers={"species": "robin", "count": 7, "notes": "Behind no. 12"},
    )

    page = client.get(table(project), {"column": ["notes"]})

    assert page.context["rows"][0].cells == [""]
    assert "Behind no. 12" not in page.content.decode()


# --------------------------------------------------------------------------- photos


def test_the_table_shows_a_thumbnail_through_the_media_view(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation = with_photo(observer, version, "uuid:1")

    html = client.get(table(project)).content.decode()

    thumbnail = f"/observations/{observation.pk}/media/{PHOTO}?size=thumb"
    assert f'class="thumb" src="{thumbnail}"' in html
    assert client.get(thumbnail).status_code == 200


def test_the_public_sees_an_obscured_observations_photo_only_under_its_opaque_name(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation = with_photo(observer, version, "uuid:1", geoprivacy="obscured")

    row = client.get(table(project)).context["rows"][0]

    assert row.observation.pk == observation.pk
    assert len(row.photos) == 1 and PHOTO not in row.photos[0] and "media-" in row.photos[0]
    assert client.get(row.photos[0]).status_code == 200


def test_a_photo_whose_question_is_sensitive_is_not_shown_to_the_public(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    SensitiveCategory.objects.create(project=project, question="photo", values=[])
    with_photo(observer, version, "uuid:1", geoprivacy="obscured")

    assert client.get(table(project)).context["rows"][0].photos == []
    assert client.get(f"/projects/{project.slug}/observations/photos/").context["rows"] == []


def test_the_gallery_shows_observations_with_photos_and_links_to_each(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    pictured = with_photo(observer, version, "uuid:1")
    plain, _ = observe(observer, version, "uuid:2")

    page = client.get(f"/projects/{project.slug}/observations/photos/")

    html = page.content.decode()
    assert page.status_code == 200 and '<ul class="gallery">' in html
    assert f'href="{detail(pictured)}"' in html and detail(plain) not in html
    assert "Photo of observation" in html


def test_the_table_and_the_map_link_to_the_gallery(client: Any, project: Project) -> None:
    gallery = f"/projects/{project.slug}/observations/photos/"

    assert f'href="{gallery}"' in client.get(table(project)).content.decode()
    assert f'href="{gallery}"' in client.get(f"{table(project)}map/").content.decode()


def test_the_gallery_of_a_private_project_is_not_found(client: Any, make_user: Any) -> None:
    hidden: Project = ProjectFactory()

    assert client.get(f"/projects/{hidden.slug}/observations/photos/").status_code == 404


# --------------------------------------------------------------------------- my contributions


def test_my_contributions_show_my_observations_classifications_questions_and_comments(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation = with_photo(observer, version, "uuid:1")
    workflow, subjects, _owner = make_workflow(subjects=2)
    for subject in subjects:
        Classification.objects.create(
            workflow=workflow, subject=subject, volunteer=observer, answers={"T0": "bee"}
        )
    SubjectComment.objects.create(subject=subjects[0], author=observer, text="A bee with pollen")
    question = question_propose(
        actor=observer, text="Do bees prefer lavender?", why_it_matters="Our garden is full of it."
    )
    comment_post(actor=observer, question=question, text="I counted twelve on one plant.")
    client.force_login(observer)

    page = client.get("/accounts/me/observations/")

    html = page.content.decode()
    assert page.context["figures"] == {
        "observations": 1,
        "classifications": 2,
        "questions": 1,
        "comments": 2,
    }
    assert detail(observation) in html and f"/observations/{observation.pk}/media/" in html
    assert "Robin" in html and "On the feeder" in html  # answers, by their labels
    assert workflow.name in html and "A bee with pollen" in html
    assert "Do bees prefer lavender?" in html and "I counted twelve" in html


def test_my_contributions_show_nobody_elses(
    client: Any, project: Project, version: FormVersion, observer: Any, make_user: Any
) -> None:
    workflow, subjects, _owner = make_workflow(subjects=1)
    Classification.objects.create(
        workflow=workflow, subject=subjects[0], volunteer=observer, answers={"T0": "bee"}
    )
    with_photo(observer, version, "uuid:1")
    client.force_login(make_user())

    page = client.get("/accounts/me/observations/")

    assert page.context["figures"] == {
        "observations": 0,
        "classifications": 0,
        "questions": 0,
        "comments": 0,
    }


# --------------------------------------------------------------------------- moderation


def queue(project: Project) -> str:
    return f"/projects/{project.slug}/moderation/"


def test_the_queue_shows_answers_photos_and_warnings_naming_the_question(
    client: Any, project: Project, version: FormVersion, observer: Any, researcher: Any
) -> None:
    observation = with_photo(observer, version, "uuid:1")
    Observation.objects.filter(pk=observation.pk).update(
        warnings=[
            {
                "code": "numeric_outlier",
                "message": "30.3 is unusually high for this question so far.",
                "question": "count",
            }
        ],
        warning_count=1,
    )
    client.force_login(researcher)

    html = client.get(queue(project)).content.decode()

    assert "How many?: 30.3 is unusually high" in html and ">count:" not in html
    assert "On the feeder" in html and f"/observations/{observation.pk}/media/" in html


def test_warnings_read_as_sentences_with_the_question_label() -> None:
    from cslab.forms.form_definition import FormDefinition

    definition = FormDefinition.from_source(
        {"survey": [{"type": "decimal", "name": "bees", "label": "Bees counted"}]}
    )
    warnings = [
        {
            "code": "numeric_outlier",
            "message": "30.3 is unusually high for this question so far.",
            "question": "bees",
        },
        {"code": "outside_area", "message": "The location is outside the project area."},
    ]

    assert warning_texts(warnings, definition, "en") == [
        "Bees counted: 30.3 is unusually high",
        "The location is outside the project area.",
    ]


def test_a_bulk_action_changes_the_selected_observations_each_audited(
    client: Any, project: Project, version: FormVersion, observer: Any, researcher: Any
) -> None:
    first, _ = observe(observer, version, "uuid:1")
    second, _ = observe(observer, version, "uuid:2")
    untouched, _ = observe(observer, version, "uuid:3")
    client.force_login(researcher)

    response = client.post(
        f"{queue(project)}bulk/", {"observation": [first.pk, second.pk], "status": "accepted"}
    )

    assert response.status_code == 302
    statuses = dict(Observation.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "accepted", second.pk: "accepted", untouched.pk: "pending"}
    audited = AuditEvent.objects.filter(action="observation.moderated")
    assert sorted(int(event.target_id) for event in audited) == [first.pk, second.pk]


def test_a_bulk_action_leaves_alone_and_names_observations_of_another_project(
    client: Any, project: Project, version: FormVersion, observer: Any, researcher: Any
) -> None:
    mine, _ = observe(observer, version, "uuid:1")
    other: Project = ProjectFactory(public=True)
    member_of(other, observer, ProjectRole.MEMBER)
    elsewhere, _ = observe(observer, publish_birds(other), "uuid:2")
    client.force_login(researcher)

    response = client.post(
        f"{queue(project)}bulk/",
        {"observation": [mine.pk, elsewhere.pk, "x"], "status": "rejected", "reason": "Blurred"},
        follow=True,
    )

    assert Observation.objects.get(pk=mine.pk).status == "rejected"
    assert Observation.objects.get(pk=elsewhere.pk).status == "pending"
    shown = [str(message) for message in response.context["messages"]]
    assert any(f"Not changed: {elsewhere.pk}, x." in message for message in shown)


def test_hiding_in_bulk_needs_a_reason_and_changes_nothing_without_one(
    client: Any, project: Project, version: FormVersion, observer: Any, researcher: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1")
    client.force_login(researcher)

    client.post(f"{queue(project)}bulk/", {"observation": [observation.pk], "status": "rejected"})

    assert Observation.objects.get(pk=observation.pk).status == "pending"


def test_only_moderators_may_act_in_bulk(
    client: Any, project: Project, version: FormVersion, observer: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1")
    client.force_login(observer)  # a member, not a moderator

    response = client.post(
        f"{queue(project)}bulk/", {"observation": [observation.pk], "status": "accepted"}
    )

    assert response.status_code in (403, 404)
    assert Observation.objects.get(pk=observation.pk).status == "pending"


def test_a_bulk_action_without_its_csrf_token_is_refused(
    project: Project, version: FormVersion, observer: Any, researcher: Any
) -> None:
    observation, _ = observe(observer, version, "uuid:1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(researcher)

    response = client.post(
        f"{queue(project)}bulk/", {"observation": [observation.pk], "status": "accepted"}
    )

    assert response.status_code == 403
    assert Observation.objects.get(pk=observation.pk).status == "pending"
