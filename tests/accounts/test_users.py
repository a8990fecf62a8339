"""Users and profiles: unique addresses, profile changes, site roles."""

from typing import Any

import pytest

from cslab.accounts.models import User
from cslab.accounts.services.users import profile_update, user_create, user_set_site_role
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.roles import SiteRole

pytestmark = pytest.mark.django_db


def test_created_user_signs_in_with_a_verified_lower_case_address() -> None:
    user = user_create(actor=None, email="  Anna.Smit@Example.ORG ", password="pollinators-2026")
    assert user.email == "anna.smit@example.org"
    assert user.emailaddress_set.get().verified
    assert user.check_password("pollinators-2026")


def test_second_user_with_the_same_address_in_other_case_is_refused() -> None:
    user_create(actor=None, email="anna@example.org")
    with pytest.raises(ConflictError) as raised:
        user_create(actor=None, email="ANNA@example.org")
    assert raised.value.code == "user_exists"
    assert User.objects.count() == 1


def test_database_refuses_case_variants_of_an_address_even_without_the_service(db: Any) -> None:
    from django.db import IntegrityError

    User.objects.bulk_create([User(email="bee@example.org")])
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="BEE@example.org")])


def test_profile_update_changes_only_profile_fields(volunteer: Any) -> None:
    profile_update(actor=volunteer, user=volunteer, display_name="Anna", preferred_language="nl")
    volunteer.refresh_from_db()
    assert (volunteer.display_name, volunteer.preferred_language) == ("Anna", "nl")
    with pytest.raises(InvalidInputError):
        profile_update(actor=volunteer, user=volunteer, site_role=SiteRole.STAFF)


def test_profile_update_rejects_an_unknown_language(volunteer: Any) -> None:
    with pytest.raises(InvalidInputError) as raised:
        profile_update(actor=volunteer, user=volunteer, preferred_language="xx")
    assert "preferred_language" in raised.value.details
    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "en"


def test_nobody_edits_another_persons_profile(volunteer: Any, make_user: Any) -> None:
    other = make_user()
    with pytest.raises(NotFoundError):
        profile_update(actor=volunteer, user=other, bio="hijacked")


def test_is_staff_follows_the_site_role(volunteer: Any, staff: Any) -> None:
    assert not volunteer.is_staff
    user_set_site_role(actor=staff, user=volunteer, site_role=SiteRole.STAFF)
    assert volunteer.is_staff


def test_volunteer_cannot_change_site_roles(volunteer: Any, make_user: Any) -> None:
    other = make_user()
    with pytest.raises(NotFoundError):
        user_set_site_role(actor=volunteer, user=other, site_role=SiteRole.STAFF)


def test_public_name_never_shows_the_address(make_user: Any) -> None:
    person = make_user(display_name="")
    assert person.email not in person.public_name


def test_profile_page_saves_language_and_answers_in_it(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    response = client.post(
        "/accounts/me/",
        {"display_name": "Anna", "preferred_language": "nl", "bio": "", "profile_public": "on"},
        follow=True,
    )
    volunteer.refresh_from_db()
    assert volunteer.profile_public and volunteer.preferred_language == "nl"
    assert response.context["LANGUAGE_CODE"] == "nl"


def test_switching_language_while_signed_in_saves_the_preference(
    client: Any, volunteer: Any
) -> None:
    client.force_login(volunteer)
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    volunteer.refresh_from_db()
    assert response.status_code == 302 and volunteer.preferred_language == "nl"


def test_switching_language_signed_out_only_sets_the_cookie(client: Any) -> None:
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert response.cookies["django_language"].value == "nl"
