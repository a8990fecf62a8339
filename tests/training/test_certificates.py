"""Certificates of completion: anyone checks one by its code; its holder shows it on the
profile or not."""

from typing import Any

import pytest
from django.utils import timezone

from cslab.core.models import AuditEvent
from tests.factories import UserFactory
from tests.training.factories import make_certificate, make_module

pytestmark = pytest.mark.django_db


def _certificate(**fields: Any) -> Any:
    holder = UserFactory(display_name="Ada Lovelace", profile_public=True)
    module = make_module(title="Species identification")
    return make_certificate(user=holder, module=module, holder_name="Ada Lovelace", **fields)


def test_anyone_sees_a_genuine_certificate_with_its_module_and_address(client: Any) -> None:
    certificate = _certificate()
    answer = client.get(f"/certificates/{certificate.code}/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Genuine: Ada Lovelace completed Species identification on" in page
    assert certificate.module.get_absolute_url() in page
    assert f"http://testserver/certificates/{certificate.code}/" in page
    assert "training/certificate.css" in page
    assert "Revoked" not in page


def test_a_revoked_certificate_says_so_and_not_genuine(client: Any) -> None:
    certificate = _certificate(revoked_at=timezone.now())
    page = client.get(f"/certificates/{certificate.code}/").content.decode()
    assert "Revoked on" in page
    assert "Genuine:" not in page


def test_an_unknown_code_is_not_found(client: Any) -> None:
    _certificate()
    assert client.get("/certificates/not-a-real-code/").status_code == 404
    assert client.get("/api/v1/certificates/not-a-real-code").status_code == 404
    assert client.get(f"/certificates/{'x' * 5000}/").status_code == 404


def test_the_api_answers_who_completed_what_and_whether_it_is_revoked(client: Any) -> None:
    certificate = _certificate()
    body = client.get(f"/api/v1/certificates/{certificate.code}").json()
    assert body["genuine"] is True
    assert body["holder_name"] == "Ada Lovelace"
    assert body["module_title"] == "Species identification"
    assert body["verify_url"].endswith(f"/certificates/{certificate.code}/")
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked_at"])
    body = client.get(f"/api/v1/certificates/{certificate.code}").json()
    assert body["genuine"] is False
    assert body["revoked_at"] is not None


def test_the_holder_shows_a_certificate_on_the_profile_and_hides_it(client: Any) -> None:
    certificate = _certificate()
    holder = certificate.user
    url = f"/training/{certificate.module.slug}/certificate/"
    profile = f"/people/{holder.pk}/"
    assert "Species identification" not in client.get(profile).content.decode()
    client.force_login(holder)
    assert client.post(url, {"show": "on"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.show_on_profile
    assert AuditEvent.objects.filter(action="training.certificate_shown").exists()
    client.logout()
    page = client.get(profile).content.decode()
    assert "Species identification" in page
    assert certificate.get_absolute_url() in page
    client.force_login(holder)
    client.post(url, {})
    certificate.refresh_from_db()
    assert not certificate.show_on_profile
    assert AuditEvent.objects.filter(action="training.certificate_hidden").exists()


def test_a_private_profile_lists_no_certificates(client: Any) -> None:
    certificate = _certificate(show_on_profile=True)
    holder = certificate.user
    holder.profile_public = False
    holder.save(update_fields=["profile_public"])
    client.force_login(holder)
    page = client.get(f"/people/{holder.pk}/").content.decode()
    assert "Species identification" not in page


def test_a_revoked_certificate_leaves_the_profile(client: Any) -> None:
    certificate = _certificate(show_on_profile=True, revoked_at=timezone.now())
    page = client.get(f"/people/{certificate.user.pk}/").content.decode()
    assert "Species identification" not in page


def test_only_the_holder_can_show_a_certificate(client: Any) -> None:
    certificate = _certificate()
    url = f"/training/{certificate.module.slug}/certificate/"
    assert client.post(url, {"show": "on"}).status_code == 404
    client.force_login(UserFactory())
    assert client.post(url, {"show": "on"}).status_code == 404
    certificate.refresh_from_db()
    assert not certificate.show_on_profile
    assert client.get(url).status_code == 405


def test_my_certificates_lists_mine_with_their_buttons_and_not_others(client: Any) -> None:
    mine = _certificate()
    theirs = make_certificate(user=UserFactory(), module=make_module(title="Other module"))
    client.force_login(mine.user)
    page = client.get("/training/certificates/").content.decode()
    assert "Species identification" in page
    assert "Show on my profile" in page
    assert f"/training/{mine.module.slug}/certificate/" in page
    assert theirs.code not in page
    assert "Other module" not in page


def test_my_certificates_asks_a_visitor_to_log_in(client: Any) -> None:
    answer = client.get("/training/certificates/")
    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"]


def test_showing_redirects_only_to_this_site(client: Any) -> None:
    certificate = _certificate()
    client.force_login(certificate.user)
    url = f"/training/{certificate.module.slug}/certificate/"
    answer = client.post(url, {"show": "on", "next": "https://evil.example/"})
    assert answer["Location"] == "/training/certificates/"
    answer = client.post(url, {"show": "on", "next": f"/people/{certificate.user.pk}/"})
    assert answer["Location"] == f"/people/{certificate.user.pk}/"
