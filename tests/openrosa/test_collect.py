"""ODK Collect's behaviour against a live server: app-user URLs, Digest, split uploads,
retries, and submissions written by JavaRosa (the form engine inside Collect)."""

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from requests.auth import HTTPDigestAuth

from cslab.forms.models import FormVersion
from cslab.media.models import Media
from cslab.observations.models import Observation
from cslab.openrosa.models import AppUser
from cslab.projects.models import Project
from tests.conftest import skip_or_fail
from tests.factories import TEST_PASSWORD
from tests.openrosa.collect import CollectEmulator, CollectRefusedError
from tests.openrosa.conftest import jpeg, submission_xml

pytestmark = pytest.mark.django_db(transaction=True)

SHARED = Path(__file__).resolve().parents[3] / "shared"


def app_user_url(live_server: Any, app_user: AppUser) -> str:
    return f"{live_server.url}/openrosa/key/{app_user.token}/{app_user.project.slug}"


def test_collect_downloads_and_submits_through_an_app_user_url(
    live_server: Any, app_user: AppUser, version: FormVersion
) -> None:
    collect = CollectEmulator(app_user_url(live_server, app_user))

    (listed,) = collect.form_list()
    xform = collect.download(listed)
    upload = collect.submit(submission_xml(instance_id="uuid:live-1"))

    assert (listed.form_id, listed.version) == ("birds", "3")
    assert xform == version.xform.encode()
    assert [response.status_code for response in upload.responses] == [201]
    assert upload.messages == ["Observation received, thank you!"]
    assert Observation.objects.get().observer is None


def test_a_retry_of_the_same_xml_answers_201_and_keeps_one_row(
    live_server: Any, app_user: AppUser
) -> None:
    collect = CollectEmulator(app_user_url(live_server, app_user))
    xml = submission_xml(instance_id="uuid:retry")

    collect.submit(xml)
    again = collect.submit(xml)

    assert again.responses[0].status_code == 201
    assert Observation.objects.count() == 1


def test_different_content_under_the_same_instance_id_is_refused_with_409(
    live_server: Any, app_user: AppUser
) -> None:
    collect = CollectEmulator(app_user_url(live_server, app_user))
    collect.submit(submission_xml(instance_id="uuid:clash"))

    with pytest.raises(CollectRefusedError, match="409"):
        collect.submit(submission_xml(instance_id="uuid:clash", count=7))

    assert Observation.objects.get().answers["count"] == 3


def test_a_split_upload_stores_both_attachments_on_one_observation(
    live_server: Any, app_user: AppUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = jpeg("red", (400, 300)), jpeg("blue", (400, 300))
    # Small enough that Collect must send the two photos in two POSTs.
    limit = len(submission_xml()) + max(len(first), len(second)) + 2000
    monkeypatch.setattr("cslab.openrosa.views.ACCEPT_CONTENT_LENGTH", limit)
    collect = CollectEmulator(app_user_url(live_server, app_user))

    upload = collect.submit(
        submission_xml(instance_id="uuid:split", photo="1.jpg", second_photo="2.jpg"),
        {"1.jpg": (first, "image/jpeg"), "2.jpg": (second, "image/jpeg")},
    )

    assert [response.status_code for response in upload.responses] == [201, 201]
    assert b"isIncomplete" in upload.responses[0].request.body  # type: ignore[operator]
    assert b"isIncomplete" not in upload.responses[1].request.body  # type: ignore[operator]
    observation = Observation.objects.get()
    assert sorted(Media.objects.filter(observation=observation).values_list("name", flat=True)) == [
        "1.jpg",
        "2.jpg",
    ]


def test_digest_sign_in_with_a_real_client(
    live_server: Any, project: Project, version: FormVersion, member: Any, device_password: str
) -> None:
    base = f"{live_server.url}/openrosa/{project.slug}"
    anonymous = CollectEmulator(base)
    wrong = CollectEmulator(base, auth=HTTPDigestAuth(member.email, "not-the-password"))
    web_password = CollectEmulator(base, auth=HTTPDigestAuth(member.email, TEST_PASSWORD))
    collect = CollectEmulator(base, auth=HTTPDigestAuth(member.email, device_password))

    with pytest.raises(CollectRefusedError, match="401"):
        anonymous.form_list()
    with pytest.raises(CollectRefusedError, match="401"):
        wrong.form_list()
    with pytest.raises(CollectRefusedError, match="401"):
        web_password.form_list()
    (listed,) = collect.form_list()
    collect.download(listed)
    upload = collect.submit(submission_xml(instance_id="uuid:digest"), {})

    assert upload.responses[0].status_code == 201
    assert Observation.objects.get().observer == member


def _validate_jar() -> Path | None:
    import pyxform

    found = list(Path(os.path.dirname(pyxform.__file__)).rglob("ODK_Validate.jar"))
    return found[0] if found else None


@pytest.fixture
def javarosa(tmp_path: Path) -> Any:
    """Run ../shared/tools/javarosa/FillForm.java (JavaRosa inside ODK Validate's jar)."""
    source = SHARED / "tools" / "javarosa" / "FillForm.java"
    jar = _validate_jar()
    if not source.exists():
        skip_or_fail(f"{source} is missing")
    if jar is None or shutil.which("java") is None or shutil.which("javac") is None:
        skip_or_fail("java, javac or pyxform's ODK_Validate.jar is missing")
    classes = tmp_path / "classes"
    subprocess.run(
        ["javac", "-cp", str(jar), "-d", str(classes), str(source)], check=True, timeout=120
    )

    def fill(form_xml: bytes, **answers: str) -> bytes:
        form_path = tmp_path / "form.xml"
        form_path.write_bytes(form_xml)
        arguments = [f"{name}={value}" for name, value in answers.items()]
        result = subprocess.run(
            ["java", "-cp", f"{jar}{os.pathsep}{classes}", "FillForm", str(form_path), *arguments],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return result.stdout

    def validate(form_xml: bytes) -> subprocess.CompletedProcess[bytes]:
        form_path = tmp_path / "validate.xml"
        form_path.write_bytes(form_xml)
        return subprocess.run(
            ["java", "-Djava.awt.headless=true", "-jar", str(jar), str(form_path)],
            capture_output=True,
            timeout=120,
        )

    fill.validate = validate  # type: ignore[attr-defined]
    return fill


def test_a_submission_written_by_javarosa_from_the_served_form_is_stored(
    live_server: Any, app_user: AppUser, javarosa: Any
) -> None:
    collect = CollectEmulator(app_user_url(live_server, app_user))
    (listed,) = collect.form_list()
    served = collect.download(listed)
    validated = javarosa.validate(served)
    assert validated.returncode == 0, validated.stdout + validated.stderr

    xml = javarosa(
        served,
        site="Pond",
        count="2",
        behaviour="feeding singing",
        kind="robin",
        location="52.0907 5.1214 0 8.5",
        photo="1714550000000.jpg",
    )
    upload = collect.submit(xml, {"1714550000000.jpg": (jpeg(), "image/jpeg")})

    assert upload.responses[0].status_code == 201
    observation = Observation.objects.get()
    assert observation.instance_id.startswith("uuid:")
    assert observation.answers["site"] == "Pond" and observation.answers["count"] == 2
    assert observation.answers["behaviour"] == "feeding singing"
    assert observation.answers["sighting"] == [{"kind": "robin"}]
    assert observation.latitude == pytest.approx(52.0907)
    assert Media.objects.get(observation=observation).name == "1714550000000.jpg"
    assert collect.submit(xml).responses[0].status_code == 201
    assert Observation.objects.count() == 1
