"""The form builder: the same XLSForm rows as an upload, published as new versions."""

from typing import Any

import pytest
from django.test import Client

from cslab.core.errors import InvalidInputError
from cslab.core.models import Job
from cslab.core.services.jobs import job_run
from cslab.forms import builder as form_builder
from cslab.forms.demo import FORMS
from cslab.forms.models import Form, FormVersion
from cslab.forms.services import form_publish_workbook
from cslab.projects.services.projects import project_create

pytestmark = pytest.mark.django_db


def _management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _post_data(
    questions: list[dict[str, Any]], choices: list[dict[str, str]], **settings: str
) -> dict[str, str]:
    data = {
        "settings-form_id": settings.get("form_id", "bee_walk"),
        "settings-title": settings.get("title", "Bee walk"),
        "publish": "1",
        **_management("question", len(questions)),
        **_management("choice", len(choices)),
    }
    for index, question in enumerate(questions):
        data[f"question-{index}-ORDER"] = str(index + 1)
        for key, value in question.items():
            if value is True:
                data[f"question-{index}-{key}"] = "on"
            else:
                data[f"question-{index}-{key}"] = str(value)
    for index, choice in enumerate(choices):
        for key, value in choice.items():
            data[f"choice-{index}-{key}"] = value
    return data


@pytest.fixture
def project(make_user: Any) -> Any:
    owner = make_user()
    return project_create(
        actor=None, owner=owner, name="Bee walks", status="active", visibility="public"
    )


@pytest.fixture
def owner_client(project: Any) -> Client:
    client = Client()
    client.force_login(project.memberships.get(role="owner").user)
    return client


QUESTIONS = [
    {
        "type": "select_one",
        "name": "plant",
        "list_name": "plants",
        "label_en": "Plant",
        "label_nl": "Plant",
        "required": True,
    },
    {
        "type": "text",
        "name": "other_plant",
        "label_en": "Which plant?",
        "label_nl": "Welke plant?",
        "relevant": "${plant} = 'other'",
    },
    {
        "type": "integer",
        "name": "bees",
        "label_en": "Bees",
        "label_nl": "Bijen",
        "constraint": ". >= 0",
        "constraint_message_en": "Not negative.",
        "constraint_message_nl": "Niet negatief.",
    },
]
CHOICES = [
    {"list_name": "plants", "name": "lavender", "label_en": "Lavender", "label_nl": "Lavendel"},
    {"list_name": "plants", "name": "other", "label_en": "Other", "label_nl": "Anders"},
]


def test_a_form_built_on_the_page_is_published_as_xlsform_rows_with_both_languages(
    project: Any, owner_client: Client
) -> None:
    response = owner_client.post(
        f"/projects/{project.slug}/forms/new/", _post_data(QUESTIONS, CHOICES)
    )

    assert response.status_code == 302
    version = FormVersion.objects.get(form__project=project, form__form_id="bee_walk")
    survey = version.source["survey"]
    assert [row["name"] for row in survey] == ["plant", "other_plant", "bees"]
    assert survey[0]["type"] == "select_one plants"
    assert survey[1]["relevant"] == "${plant} = 'other'"
    assert survey[2]["constraint_message::Nederlands (nl)"] == "Niet negatief."
    assert 'lang="Nederlands (nl)"' in version.xform
    assert "Lavendel" in version.xform


def test_the_builder_shows_an_existing_form_and_publishing_adds_a_version(
    project: Any, owner_client: Client
) -> None:
    owner_client.post(f"/projects/{project.slug}/forms/new/", _post_data(QUESTIONS, CHOICES))
    page = owner_client.get(f"/projects/{project.slug}/forms/bee_walk/builder/")
    assert page.status_code == 200
    assert 'value="Which plant?"' in page.content.decode()
    first = FormVersion.objects.get(form__form_id="bee_walk")

    changed = [*QUESTIONS, {"type": "decimal", "name": "minutes", "label_en": "Minutes"}]
    response = owner_client.post(
        f"/projects/{project.slug}/forms/bee_walk/builder/",
        _post_data(changed, CHOICES, form_id="ignored"),
    )

    assert response.status_code == 302
    versions = list(FormVersion.objects.filter(form__form_id="bee_walk").order_by("id"))
    assert len(versions) == 2
    assert versions[0].source == first.source  # the published version did not change
    assert versions[1].source["survey"][-1]["name"] == "minutes"
    assert Form.objects.filter(project=project).count() == 1


def test_problems_are_reported_per_question_and_nothing_is_published(
    project: Any, owner_client: Client
) -> None:
    broken = [
        {"type": "integer", "name": "bees", "label_en": "Bees", "constraint": ". >>> 0"},
        {"type": "select_one", "name": "plant", "list_name": "missing", "label_en": "P"},
    ]
    response = owner_client.post(f"/projects/{project.slug}/forms/new/", _post_data(broken, []))

    assert response.status_code == 400
    assert "Question" in response.content.decode()
    assert not Form.objects.filter(project=project).exists()


def test_adding_a_question_without_javascript_returns_the_page_with_an_empty_row(
    project: Any, owner_client: Client
) -> None:
    data = _post_data(QUESTIONS[:1], CHOICES)
    del data["publish"]
    data["add_question"] = "1"

    response = owner_client.post(f"/projects/{project.slug}/forms/new/", data)

    assert response.status_code == 200
    assert response.context["questions"].total_form_count() == 2
    assert not Form.objects.filter(project=project).exists()


def test_adding_a_question_by_its_type_adds_a_row_of_that_type(
    project: Any, owner_client: Client
) -> None:
    data = _post_data(QUESTIONS[:1], CHOICES)
    del data["publish"]
    data["add_question"] = "geopoint"

    response = owner_client.post(f"/projects/{project.slug}/forms/new/", data)

    rows = response.context["questions"].forms
    assert [row["type"].value() for row in rows] == ["select_one", "geopoint"]
    assert "autofocus" in rows[-1].fields["label_en"].widget.attrs


def _preview(client: Client, project: Any, data: dict[str, str]) -> Any:
    return client.post(f"/projects/{project.slug}/forms/preview/", data)


def test_the_preview_draws_the_rows_as_they_are_including_a_row_just_added(
    project: Any, owner_client: Client
) -> None:
    before = _preview(owner_client, project, _post_data(QUESTIONS, CHOICES))
    unfinished = {"type": "image", "label_en": "A photo of the flower"}  # no name yet
    after = _preview(owner_client, project, _post_data([*QUESTIONS, unfinished], CHOICES))

    assert before.status_code == after.status_code == 200
    names = [node["name"] for node in before.json()["model"]["children"]]
    assert names == ["plant", "other_plant", "bees"]
    added = after.json()["model"]["children"][-1]
    assert (added["type"], added["label"]["English (en)"]) == ("image", "A photo of the flower")
    plant = before.json()["model"]["children"][0]
    assert [choice["name"] for choice in plant["choices"]] == ["lavender", "other"]
    assert not Form.objects.filter(project=project).exists()


def test_the_preview_of_no_questions_says_to_add_one(project: Any, owner_client: Client) -> None:
    response = _preview(owner_client, project, _post_data([], []))

    assert response.status_code == 200
    assert response.json()["model"] is None and response.json()["detail"]


def test_the_preview_of_rows_without_their_counts_is_an_empty_preview_not_an_error(
    project: Any, owner_client: Client
) -> None:
    for data in ({}, {"question-TOTAL_FORMS": "many", "question-0-type": "text"}):
        response = _preview(owner_client, project, data)

        assert response.status_code == 200
        assert response.json()["model"] is None


def test_the_preview_is_not_found_for_those_who_may_not_build_the_form(
    project: Any, make_user: Any
) -> None:
    volunteer = Client()
    volunteer.force_login(make_user())
    data = _post_data(QUESTIONS, CHOICES)

    assert _preview(volunteer, project, data).status_code == 404
    assert _preview(Client(), project, data).status_code == 404
    assert volunteer.get(f"/projects/{project.slug}/forms/preview/").status_code == 405


def test_the_preview_refuses_a_huge_form_with_a_clear_413(
    project: Any, owner_client: Client
) -> None:
    many_rows = _post_data(QUESTIONS, CHOICES)
    many_rows["question-TOTAL_FORMS"] = "100000"
    huge_body = _post_data(QUESTIONS, CHOICES)
    huge_body["question-0-label_en"] = "x" * (600 * 1024)

    for data in (many_rows, huge_body):
        response = _preview(owner_client, project, data)
        assert response.status_code == 413
        assert "too large" in response.json()["detail"]


def test_a_volunteer_may_not_open_the_builder(project: Any, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user())
    assert client.get(f"/projects/{project.slug}/forms/new/").status_code == 403


@pytest.mark.parametrize("form", FORMS, ids=[form[1] for form in FORMS])
def test_the_demo_forms_survive_a_round_trip_through_the_builder(form: Any, project: Any) -> None:
    _key, form_id, survey, choices = form
    workbook = {"survey": survey, "choices": choices}
    questions = form_builder.questions_from_workbook(workbook)
    rebuilt = form_builder.workbook_from_builder(
        form_id=form_id,
        title="Round trip",
        version="2",
        questions=questions,
        choices=form_builder.choices_from_workbook(workbook),
    )

    assert rebuilt["survey"] == survey
    assert rebuilt.get("choices", []) == choices
    version = form_publish_workbook(actor=None, project=project, workbook=rebuilt)
    assert version.form.form_id == form_id


def test_a_script_publishes_xlsform_rows_through_the_api_and_reads_them_back(
    project: Any, make_user: Any
) -> None:
    from cslab.accounts.services.api_tokens import api_token_create

    owner = project.memberships.get(role="owner").user
    _token, secret = api_token_create(actor=owner, user=owner, name="script")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    rows = {
        "survey": [{"type": "integer", "name": "bees", "label": "Bees", "constraint": ". >= 0"}],
        "settings": [{"form_id": "scripted", "form_title": "Scripted", "version": "7"}],
    }

    created = client.post(
        f"/api/v1/projects/{project.slug}/forms", rows, content_type="application/json"
    )
    again = client.post(
        f"/api/v1/projects/{project.slug}/forms", rows, content_type="application/json"
    )
    read = client.get(f"/api/v1/projects/{project.slug}/forms/scripted")

    assert created.status_code == 201
    assert created.json()["version"] == "7"
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_form_version"
    assert read.json()["latest"]["survey"][0]["constraint"] == ". >= 0"
    assert [version["version"] for version in read.json()["versions"]] == ["7"]


def test_bad_rows_through_the_api_answer_each_problem_by_row(project: Any) -> None:
    client = Client()
    client.force_login(project.memberships.get(role="owner").user)
    rows = {
        "survey": [{"type": "select_one nowhere", "name": "plant", "label": "Plant"}],
        "settings": [{"form_id": "broken", "version": "1"}],
    }

    response = client.post(
        f"/api/v1/projects/{project.slug}/forms", rows, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_xlsform"
    assert response.json()["errors"]
    assert not Form.objects.filter(project=project, form_id="broken").exists()


@pytest.mark.parametrize(
    ("rows", "refusal"),
    [
        (
            {"survey": [{"type": "integer", "name": "bees", "label": ["Bees"]}]},
            (400, "invalid_xlsform"),
        ),
        ({"survey": ["integer bees"]}, (422, "validation_error")),
        (
            {"survey": [{"type": "integer", "name": "bees", "label": "Bees"}], "choices": "none"},
            (422, "validation_error"),
        ),
    ],
    ids=["a list in a cell", "a row that is not an object", "a sheet that is not a list"],
)
def test_rows_of_the_wrong_shape_are_refused_with_a_clear_error(
    project: Any, rows: Any, refusal: tuple[int, str]
) -> None:
    client = Client()
    client.force_login(project.memberships.get(role="owner").user)

    response = client.post(
        f"/api/v1/projects/{project.slug}/forms", rows, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == refusal
    assert not Form.objects.filter(project=project).exists()


def test_numbers_and_booleans_in_cells_are_read_as_a_spreadsheet_would(project: Any) -> None:
    rows = {
        "survey": [{"type": "integer", "name": "bees", "label": "Bees", "required": True}],
        "settings": [{"form_id": "numbers", "form_title": "Numbers", "version": 3}],
    }

    version = form_publish_workbook(actor=None, project=project, workbook=rows)

    assert version.version == "3"
    assert version.source["survey"][0]["required"] == "yes"


def test_a_cell_that_is_a_list_is_named_by_sheet_and_row(project: Any) -> None:
    rows = {
        "survey": [
            {"type": "integer", "name": "bees", "label": "Bees"},
            {"type": "text", "name": "note", "label": ["Note"]},
        ]
    }

    with pytest.raises(InvalidInputError) as raised:
        form_publish_workbook(actor=None, project=project, workbook=rows)

    assert [(p["sheet"], p["row"]) for p in raised.value.details] == [("survey", 3)]


def test_rows_over_the_limit_through_the_api_are_refused_naming_the_limit(
    project: Any, settings: Any
) -> None:
    settings.XLSFORM_MAX_ROWS = 5
    client = Client()
    client.force_login(project.memberships.get(role="owner").user)
    rows = {
        "survey": [{"type": "text", "name": f"q{number}", "label": "Q"} for number in range(6)],
        "settings": [{"form_id": "many", "version": "1"}],
    }

    response = client.post(
        f"/api/v1/projects/{project.slug}/forms", rows, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_xlsform"
    [problem] = response.json()["errors"]
    assert problem["sheet"] == "survey" and "more than 5 rows" in problem["message"]
    assert not Form.objects.filter(project=project).exists()


def _refuse_converting(monkeypatch: pytest.MonkeyPatch) -> None:
    def convert(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the form was converted in the request")

    monkeypatch.setattr("cslab.forms.xlsform.convert_workbook", convert)


def test_a_large_form_through_the_api_answers_202_with_its_job_and_is_converted_by_the_job(
    project: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 2
    client = Client()
    client.force_login(project.memberships.get(role="owner").user)
    rows = {
        "survey": [
            {"type": "integer", "name": f"bees_{number}", "label": "Bees"} for number in range(3)
        ],
        "settings": [{"form_id": "big_walk", "form_title": "Big walk", "version": "3"}],
    }
    with monkeypatch.context() as patched:
        _refuse_converting(patched)
        response = client.post(
            f"/api/v1/projects/{project.slug}/forms", rows, content_type="application/json"
        )

    assert response.status_code == 202
    body = response.json()
    assert body["kind"] == "collection.form_publish" and body["status"] == "queued"
    assert body["url"] == f"/api/v1/jobs/{body['id']}"
    assert not FormVersion.objects.exists()
    job_run(job_id=body["id"])
    followed = client.get(body["url"]).json()
    assert followed["status"] == "succeeded"
    assert followed["result"]["published"] is True
    assert (followed["result"]["form_id"], followed["result"]["version"]) == ("big_walk", "3")
    assert FormVersion.objects.get().form.form_id == "big_walk"


def test_the_job_of_bad_large_rows_through_the_api_lists_each_problem_by_row(
    project: Any, settings: Any
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 1
    client = Client()
    client.force_login(project.memberships.get(role="owner").user)
    rows = {
        "survey": [
            {"type": "text", "name": "place", "label": "Place"},
            {"type": "select_one nowhere", "name": "plant", "label": "Plant"},
        ],
        "settings": [{"form_id": "broken", "version": "1"}],
    }

    response = client.post(
        f"/api/v1/projects/{project.slug}/forms", rows, content_type="application/json"
    )
    job_run(job_id=response.json()["id"])
    result = client.get(response.json()["url"]).json()["result"]

    assert response.status_code == 202
    assert (result["published"], result["status"], result["code"]) == (
        False,
        400,
        "invalid_xlsform",
    )
    assert [(problem["sheet"], problem["row"]) for problem in result["errors"]] == [("survey", 3)]
    assert not Form.objects.filter(project=project, form_id="broken").exists()


def test_a_large_form_built_on_the_page_goes_to_its_job_page(
    project: Any, owner_client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 2
    with monkeypatch.context() as patched:
        _refuse_converting(patched)
        response = owner_client.post(
            f"/projects/{project.slug}/forms/new/", _post_data(QUESTIONS, CHOICES)
        )

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    job_run(job_id=job.pk)
    page = owner_client.get(response["Location"])
    assert f'href="/projects/{project.slug}/forms/"' in page.content.decode()
    assert FormVersion.objects.get().form.form_id == "bee_walk"
