"""Query counts of the collection area's lists, at two data sizes (see `tests/query_counts.py`):
the observation table, map, moderation queue, "my contributions" and the forms, as pages and as
API lists. Each row is made by a different person, so a query per observer shows up too."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.core.roles import ProjectRole
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from cslab.media.services import media_attach
from cslab.observations.models import Observation, SensitiveCategory
from cslab.observations.services.moderation import observation_flag, observation_moderate
from cslab.observations.services.observations import observation_submit
from cslab.projects.models import Project
from tests.collection.test_observation_views import observe, publish_birds
from tests.factories import UserFactory
from tests.openrosa.conftest import jpeg
from tests.projects.factories import MembershipFactory, ProjectFactory
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db

PHOTO = "1714550000000.jpg"
GEOPRIVACIES = [Observation.Geoprivacy.OPEN, Observation.Geoprivacy.OBSCURED, "private"]


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish_birds(project)


@pytest.fixture
def observations(project: Project, version: FormVersion) -> Callable[[int], None]:
    """Add observations, each by a new member, open, obscured or private in turn; every other
    one is flagged by someone else, and two in three have a photo."""
    made = iter(range(10_000))

    def make(count: int) -> None:
        for _ in range(count):
            number = next(made)
            observer = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
            observation, _created = observe(
                observer,
                version,
                f"uuid:{number}",
                answers={"species": "robin", "count": number, "photo": PHOTO},
                geoprivacy=GEOPRIVACIES[number % len(GEOPRIVACIES)],
            )
            if number % 2:
                observation_flag(actor=UserFactory(), observation=observation, reason="Odd.")
            if number % 3:
                media_attach(
                    actor=observer,
                    observation=observation,
                    name=PHOTO,
                    uploaded_file=SimpleUploadedFile("upload.jpg", jpeg(), "image/jpeg"),
                )

    return make


def rows_of(response: Any) -> int:
    assert response.status_code == 200, response.content[:500]
    return response.content.count(b"<tr")


def cards_of(response: Any) -> int:
    assert response.status_code == 200, response.content[:500]
    return response.content.count(b'<li class="card"')


def items_of(response: Any) -> int:
    assert response.status_code == 200, response.content[:500]
    return len(response.json()["items"])


def list_of(response: Any) -> int:
    assert response.status_code == 200, response.content[:500]
    return len(response.json())


def features_of(response: Any) -> int:
    assert response.status_code == 200, response.content[:500]
    return len(response.json()["features"])


# Pages ------------------------------------------------------------------------------------------


def test_the_observation_table_costs_the_same_for_few_and_many_rows(
    client: Any, project: Project, observations: Callable[[int], None]
) -> None:
    client.force_login(project.initiator)

    assert_constant_queries(
        observations, lambda: client.get(f"/projects/{project.slug}/observations/"), shown=rows_of
    )


def test_the_observation_table_seen_by_the_public_costs_the_same_for_few_and_many_rows(
    client: Any, project: Project, observations: Callable[[int], None]
) -> None:
    assert_constant_queries(
        observations, lambda: client.get(f"/projects/{project.slug}/observations/"), shown=rows_of
    )


def test_the_observation_map_page_costs_the_same_for_few_and_many_rows(
    client: Any, project: Project, observations: Callable[[int], None]
) -> None:
    client.force_login(project.initiator)

    assert_constant_queries(
        observations, lambda: ok(client.get(f"/projects/{project.slug}/observations/map/"))
    )


def test_the_moderation_queue_page_costs_the_same_for_few_and_many_rows(
    client: Any, project: Project, observations: Callable[[int], None]
) -> None:
    client.force_login(project.initiator)

    assert_constant_queries(
        observations, lambda: client.get(f"/projects/{project.slug}/moderation/"), shown=cards_of
    )


def test_my_contributions_cost_the_same_for_few_and_many_rows(
    client: Any, version: FormVersion, project: Project
) -> None:
    observer = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    made = iter(range(10_000))

    def contribute(count: int) -> None:
        for _ in range(count):
            observe(observer, version, f"uuid:mine-{next(made)}")

    client.force_login(observer)

    assert_constant_queries(
        contribute, lambda: client.get("/accounts/me/observations/"), shown=cards_of
    )


@pytest.fixture
def forms(project: Project) -> Callable[[int], None]:
    made = iter(range(10_000))

    def make(count: int) -> None:
        for _ in range(count):
            number = next(made)
            publish_birds(project, form_id=f"birds_{number}", title=f"Birds {number}")

    return make


def test_the_forms_page_costs_the_same_for_few_and_many_forms(
    client: Any, project: Project, forms: Callable[[int], None]
) -> None:
    client.force_login(project.initiator)

    assert_constant_queries(forms, lambda: ok(client.get(f"/projects/{project.slug}/forms/")))


# API lists --------------------------------------------------------------------------------------


def api(project: Project, path: str) -> str:
    return f"/api/v1/projects/{project.slug}/{path}"


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("observations", items_of),
        ("observations?limit=100", items_of),
        ("moderation-queue", items_of),
        ("observations.geojson", features_of),
    ],
)
def test_the_observation_lists_of_the_api_cost_the_same_for_few_and_many_rows(
    client: Any,
    project: Project,
    observations: Callable[[int], None],
    path: str,
    shown: Callable[[Any], int] | None,
) -> None:
    client.force_login(project.initiator)

    assert_constant_queries(observations, lambda: client.get(api(project, path)), shown=shown)


@pytest.mark.parametrize(
    "query",
    [
        "",  # hexagons over the whole project
        "?zoom=14&bbox=5.0,52.0,5.3,52.2",  # zoomed in: single points
        "?zoom=9&bbox=4.5,51.5,5.5,52.5",  # few observations in view: single points
    ],
)
def test_the_map_layer_of_the_api_costs_the_same_for_few_and_many_rows(
    client: Any, project: Project, observations: Callable[[int], None], query: str
) -> None:
    client.force_login(project.initiator)

    def draw() -> Any:
        # The project's cell counts are cached until a new observation arrives: count both
        # sizes from a cold cache, else the small size would be read from the cache.
        cache.clear()
        return ok(client.get(api(project, f"observations/map{query}")))

    def points_of(response: Any) -> int:
        features = ok(response).json()["features"]
        return sum(feature["geometry"]["type"] == "Point" for feature in features)

    assert_constant_queries(observations, draw, shown=points_of if query else None)


def test_the_public_observation_list_of_the_api_costs_the_same_for_few_and_many_rows(
    client: Any, project: Project, observations: Callable[[int], None]
) -> None:
    assert_constant_queries(
        observations, lambda: client.get(api(project, "observations")), shown=items_of
    )


def test_my_observations_in_the_api_cost_the_same_for_few_and_many_rows(
    client: Any, version: FormVersion, project: Project
) -> None:
    observer = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    made = iter(range(10_000))

    def contribute(count: int) -> None:
        for _ in range(count):
            observe(observer, version, f"uuid:mine-{next(made)}")

    client.force_login(observer)

    assert_constant_queries(
        contribute, lambda: client.get("/api/v1/me/observations"), shown=items_of
    )


def test_the_forms_of_the_api_cost_the_same_for_few_and_many_forms(
    client: Any, project: Project, forms: Callable[[int], None]
) -> None:
    client.force_login(project.initiator)

    assert_constant_queries(forms, lambda: client.get(api(project, "forms")), shown=list_of)


def test_the_sensitive_categories_cost_the_same_for_few_and_many(
    client: Any, project: Project
) -> None:
    made = iter(range(10_000))

    def categorise(count: int) -> None:
        for _ in range(count):
            SensitiveCategory.objects.create(
                project=project, question=f"question_{next(made)}", values=["a"]
            )

    client.force_login(project.initiator)

    assert_constant_queries(
        categorise, lambda: client.get(api(project, "sensitive-categories")), shown=list_of
    )


def test_the_history_of_an_observation_costs_the_same_for_few_and_many_versions(
    client: Any, project: Project, version: FormVersion
) -> None:
    observer = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    first, _created = observe(observer, version, "uuid:edit-0")
    edits = iter(range(1, 10_000))

    def edit(count: int) -> None:
        for _ in range(count):
            number = next(edits)
            observation_submit(
                actor=observer,
                form_version=version,
                instance_id=f"uuid:edit-{number}",
                answers={"species": "wren", "count": number},
                deprecated_id=f"uuid:edit-{number - 1}",
            )

    client.force_login(project.initiator)
    path = api(project, f"observations/{first.pk}/history")

    assert_constant_queries(edit, lambda: client.get(path), shown=list_of)


PHOTOS_FORM = (
    "survey,type,name,label\n"
    + "".join(f",image,photo_{number},Photo {number}\n" for number in range(12))
    + "settings,form_id,form_title,version\n,photos,Photos,1\n"
)


def test_the_media_of_an_observation_cost_the_same_for_few_and_many_files(
    client: Any, project: Project
) -> None:
    version = form_publish_xlsform(
        actor=None, project=project, file_name="photos.csv", content=PHOTOS_FORM.encode()
    )
    observer = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    names = [f"17145500000{number:02}.jpg" for number in range(12)]
    observation, _created = observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:photos",
        answers={f"photo_{number}": name for number, name in enumerate(names)},
    )
    attached = iter(enumerate(names))

    def attach(count: int) -> None:
        for _ in range(count):
            number, name = next(attached)
            media_attach(
                actor=observer,
                observation=observation,
                name=name,
                uploaded_file=SimpleUploadedFile(
                    "upload.jpg", jpeg("red", (32, 24 + number)), "image/jpeg"
                ),
            )

    client.force_login(project.initiator)

    assert_constant_queries(
        attach,
        lambda: client.get(api(project, f"observations/{observation.pk}/media")),
        shown=list_of,
    )


def test_an_observation_page_costs_the_same_for_few_and_many_versions_and_decisions(
    client: Any, project: Project, version: FormVersion
) -> None:
    observer = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    first, _created = observe(observer, version, "uuid:page-0")
    edits = iter(range(1, 10_000))
    newest = [first]

    def edit_and_decide(count: int) -> None:
        for _ in range(count):
            number = next(edits)
            edited, _created = observation_submit(
                actor=observer,
                form_version=version,
                instance_id=f"uuid:page-{number}",
                answers={"species": "wren", "count": number},
                deprecated_id=f"uuid:page-{number - 1}",
            )
            moderator = MembershipFactory(project=project, role=ProjectRole.MODERATOR).user
            observation_flag(actor=UserFactory(), observation=edited, reason="Odd.")
            observation_moderate(
                actor=moderator, observation=edited, status="accepted", reason=f"Fine {number}."
            )
            newest[0] = edited

    client.force_login(project.initiator)

    assert_constant_queries(
        edit_and_decide,
        lambda: ok(client.get(f"/projects/{project.slug}/observations/{newest[0].pk}/")),
    )


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return response
