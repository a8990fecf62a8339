"""Creating a resource: a draft with a unique slug, its tags, authors and links checked."""

import pytest

from cslab.core.errors import InvalidInputError, NotAuthenticatedError
from cslab.core.models import AuditEvent
from cslab.hub.models import CaseStudy, Resource
from cslab.hub.services.resources import AuthorInput, LinkInput, resource_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def create(actor, **fields):
    fields.setdefault("kind", "method_card")
    fields.setdefault("title", "Walking interviews")
    fields.setdefault("summary", "Talk with people while you walk their street.")
    return resource_create(actor=actor, **fields)


def test_a_new_resource_is_a_draft_submitted_by_its_creator(volunteer):
    resource = create(volunteer, body="# How", organisation="Leiden University")
    assert resource.status == Resource.Status.DRAFT
    assert resource.submitted_by == volunteer
    assert resource.slug == "walking-interviews"
    assert AuditEvent.objects.filter(action="hub.resource.create").count() == 1


def test_anonymous_visitors_cannot_create_resources():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticatedError):
        create(AnonymousUser())


def test_a_taken_slug_gets_a_number(volunteer):
    first = create(volunteer)
    second = create(volunteer)
    third = create(volunteer)
    assert [first.slug, second.slug, third.slug] == [
        "walking-interviews",
        "walking-interviews-2",
        "walking-interviews-3",
    ]


def test_a_title_that_is_a_reserved_path_gets_another_slug(volunteer):
    resource = create(volunteer, title="Submit")
    assert resource.slug == "submit-2"


def test_tags_are_stored_and_feed_the_search_document(volunteer):
    resource = create(
        volunteer,
        tags={
            "faculty": ["science"],
            "domain": ["water"],
            "phase": ["design"],
            "sdg": ["6"],
            "audience": ["researchers"],
            "keyword": ["rivers", " walking "],
        },
    )
    assert resource.tags_of("keyword") == ["rivers", "walking"]
    assert resource.tags_of("sdg") == ["6"]
    assert "rivers" in resource.search_document
    assert "faculty of science" in resource.search_document


@pytest.mark.parametrize(
    "tags",
    [
        {"faculty": ["astrology"]},
        {"sdg": ["18"]},
        {"phase": ["dreaming"]},
        {"colour": ["red"]},
        {"keyword": ["x" * 51]},
        {"keyword": [f"word {number}" for number in range(21)]},
    ],
)
def test_tags_outside_the_vocabularies_are_refused(volunteer, tags):
    with pytest.raises(InvalidInputError):
        create(volunteer, tags=tags)
    assert not Resource.objects.exists()


def test_authors_may_be_free_names_or_linked_people(volunteer):
    colleague = UserFactory(display_name="Ada Researcher")
    resource = create(
        volunteer,
        authors=[AuthorInput(name="Jan Free"), AuthorInput(user_id=colleague.pk)],
    )
    assert [(author.name, author.user_id) for author in resource.authors.all()] == [
        ("Jan Free", None),
        ("Ada Researcher", colleague.pk),
    ]


def test_forty_authors_are_refused(volunteer):
    with pytest.raises(InvalidInputError) as caught:
        create(volunteer, authors=[AuthorInput(name=f"Author {n}") for n in range(40)])
    assert caught.value.status == 400


def test_an_inactive_or_unknown_linked_author_is_refused(volunteer):
    gone = UserFactory(is_active=False)
    for user_id in (gone.pk, 999_999):
        with pytest.raises(InvalidInputError):
            create(volunteer, authors=[AuthorInput(user_id=user_id)])


def test_links_must_be_web_addresses(volunteer):
    resource = create(volunteer, links=[LinkInput(url="https://example.org/guide")])
    assert resource.links.get().title == "https://example.org/guide"
    for url in ("javascript:alert(1)", "ftp://example.org/x", "not a url"):
        with pytest.raises(InvalidInputError):
            create(volunteer, links=[LinkInput(url=url, title="Bad")])


def test_more_than_twenty_links_are_refused(volunteer):
    links = [LinkInput(url=f"https://example.org/{n}") for n in range(21)]
    with pytest.raises(InvalidInputError):
        create(volunteer, links=links)


def test_a_case_study_gets_its_structure_row(volunteer):
    resource = create(volunteer, kind="case_study", title="River watch")
    assert CaseStudy.objects.filter(resource=resource).exists()


def test_a_template_type_on_another_kind_is_refused(volunteer):
    with pytest.raises(InvalidInputError):
        create(volunteer, kind="tool", template_type="consent_form")
