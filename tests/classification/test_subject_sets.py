"""Subject sets: zip + manifest upload (all or nothing, problems per row), and from observations."""

import io
import zipfile
from typing import Any

import pytest
from PIL import Image

from cslab.classification.models import Subject, WorkflowSubject
from cslab.classification.services.subject_sets import subject_set_upload
from cslab.core.errors import InvalidInputError, PermissionDeniedError
from tests.classification.helpers import make_workflow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def _archive(manifest: str, files: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("manifest.csv", manifest)
        for name, content in (files or {}).items():
            bundle.writestr(f"media/{name}", content)
    return buffer.getvalue()


def test_an_upload_creates_subjects_with_hidden_metadata_and_gold_and_offers_them(
    settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    workflow, _subjects, owner = make_workflow(subjects=0)
    manifest = (
        "file,text,id,site,#camera,gold:T0,gold_explanation\n"
        "bee.png,,img-1,Garden,CAM-7,bee,Four wings.\n"
        ",A letter from 1921,txt-1,Archive,,,\n"
    )
    subject_set = subject_set_upload(
        actor=owner,
        project=workflow.project,
        name="Garden photos",
        archive=_archive(manifest, {"bee.png": _png()}),
        workflows=[workflow],
    )
    image = Subject.objects.get(subject_set=subject_set, external_id="img-1")
    assert image.kind == "image" and image.content_type == "image/png" and image.media
    assert image.visible_metadata == {"site": "Garden"}
    assert image.metadata["#camera"] == "CAM-7"
    assert image.is_gold and image.gold_answers == {"T0": "bee"}
    text = Subject.objects.get(subject_set=subject_set, external_id="txt-1")
    assert text.kind == "text" and text.text == "A letter from 1921"
    assert WorkflowSubject.objects.filter(workflow=workflow).count() == 2


def test_a_manifest_with_problems_imports_nothing_and_names_each_row() -> None:
    workflow, _subjects, owner = make_workflow(subjects=0)
    manifest = (
        "file,text,id,gold:T0\nmissing.png,,a,\nfake.png,,b,\n,Fine text,c,wasp\n,,d,\n,Good,e,\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        subject_set_upload(
            actor=owner,
            project=workflow.project,
            name="Broken",
            archive=_archive(manifest, {"fake.png": b"MZ not an image"}),
            workflows=[workflow],
        )
    assert caught.value.code == "invalid_manifest_rows"
    assert [problem["row"] for problem in caught.value.details] == [2, 3, 4, 5]
    assert not Subject.objects.filter(subject_set__name="Broken").exists()


def test_an_archive_without_manifest_is_refused() -> None:
    workflow, _subjects, owner = make_workflow(subjects=0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("photo.png", _png())
    with pytest.raises(InvalidInputError) as caught:
        subject_set_upload(
            actor=owner, project=workflow.project, name="x", archive=buffer.getvalue()
        )
    assert caught.value.code == "invalid_manifest"


def test_only_the_projects_leads_upload() -> None:
    workflow, _subjects, _owner = make_workflow(subjects=0)
    with pytest.raises(PermissionDeniedError):
        subject_set_upload(
            actor=UserFactory(),
            project=workflow.project,
            name="x",
            archive=_archive("text\nhello\n"),
        )


def test_subjects_from_observation_photos_show_the_public_copy_under_an_opaque_name(
    settings: Any, tmp_path: Any
) -> None:
    from django.core.files.base import ContentFile

    from cslab.classification.services.subject_sets import subject_set_from_observations
    from cslab.collection.demo import workbook_bytes
    from cslab.collection.filters import ObservationFilters
    from cslab.collection.models import Media
    from cslab.collection.services.forms import form_publish_xlsform
    from cslab.collection.services.observations import observation_submit

    settings.MEDIA_ROOT = str(tmp_path)
    workflow, _subjects, owner = make_workflow(subjects=0)
    version = form_publish_xlsform(
        actor=owner,
        project=workflow.project,
        file_name="f.xlsx",
        content=workbook_bytes(
            {
                "survey": [
                    {"type": "image", "name": "photo", "label": "Photo"},
                    {"type": "integer", "name": "count", "label": "Count"},
                ],
                "settings": [{"form_id": "insects", "form_title": "Insects", "version": "1"}],
            }
        ),
    )
    observation, _created = observation_submit(
        actor=owner,
        form_version=version,
        instance_id="uuid:1",
        answers={"photo": "1773480413000.png", "count": 1},
    )
    media = Media(
        observation=observation,
        name="1773480413000.png",
        kind="image",
        content_type="image/png",
        size=10,
        sha256="0" * 64,
    )
    media.original.save("p.png", ContentFile(_png()), save=False)
    media.public_file.save("p-public.png", ContentFile(_png()), save=False)
    media.save()
    subject_set = subject_set_from_observations(
        actor=owner,
        project=workflow.project,
        name="Photos",
        filters=ObservationFilters(form_id="insects"),
        workflows=[workflow],
    )
    subject = subject_set.subjects.get()
    assert subject.kind == "observation" and subject.observation == observation
    # Volunteers see the external ID; the name sent is the moment the photo was taken.
    assert subject.external_id == f"observation-{observation.pk}-media-{media.pk}.png"
    assert subject.media_url == media.public_file.url
    assert subject.visible_metadata == {}
    assert WorkflowSubject.objects.filter(workflow=workflow, subject=subject).exists()
    again = subject_set_from_observations(
        actor=owner, project=workflow.project, name="Photos", workflows=[workflow]
    )
    assert again.subjects.count() == 1


def test_the_migration_renames_stored_observation_subjects_to_opaque_names(
    settings: Any, tmp_path: Any
) -> None:
    import importlib

    from django.apps import apps

    from cslab.classification.models import Subject, SubjectSet
    from cslab.collection.models import Media
    from tests.collection.test_media_attach import publish_media_form, submit_with_photo

    migration = importlib.import_module(
        "cslab.classification.migrations.0002_observation_subjects_opaque_names"
    )
    settings.MEDIA_ROOT = str(tmp_path)
    workflow, _subjects, owner = make_workflow(subjects=0)
    observation = submit_with_photo(owner, publish_media_form(workflow.project))
    media = Media.objects.create(
        observation=observation,
        name="1714550000000.jpg",
        kind="image",
        content_type="image/jpeg",
        size=10,
        sha256="0" * 64,
        original="observations/original/x.jpg",
    )
    old = f"observation-{observation.pk}-1714550000000.jpg"
    subject = Subject.objects.create(
        subject_set=SubjectSet.objects.create(project=workflow.project, name="Photos"),
        external_id=old,
        kind=Subject.Kind.OBSERVATION,
        observation=observation,
        observation_media=media,
        content_type="image/jpeg",
    )

    migration.forwards(apps, None)
    subject.refresh_from_db()
    assert subject.external_id == f"observation-{observation.pk}-media-{media.pk}.jpg"

    migration.backwards(apps, None)
    subject.refresh_from_db()
    assert subject.external_id == old
