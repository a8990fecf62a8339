"""The demo knowledge hub (issue 12, item 11): enough real, varied content to show every facet,
every curation state and every kind of feedback; loaded twice, nothing doubles."""

import csv
import io
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from cslab.accounts.demo import load_demo_people
from cslab.core.markdown import render_markdown
from cslab.hub.demo import RESOURCES, load_demo_hub
from cslab.hub.models import (
    CaseStudy,
    CaseStudyImpact,
    CaseStudyOutput,
    CaseStudyParticipantGroup,
    CaseStudyPerson,
    CaseStudyProject,
    Endorsement,
    QualityCriterion,
    Rating,
    Resource,
    ResourceAuthor,
    ResourceComment,
    ResourceCommentFlag,
    ResourceFile,
    ResourceLink,
    ResourceTag,
    ResourceUse,
    ResourceVersion,
    Review,
    Subscription,
)
from cslab.hub.vocabulary import ResourceKind, ResourceTagKind, TemplateType
from cslab.projects.demo import load_demo_projects
from cslab.projects.lifecycle import UNAPPROVED

pytestmark = pytest.mark.django_db

HUB_MODELS = (
    Resource,
    ResourceTag,
    ResourceAuthor,
    ResourceLink,
    ResourceFile,
    ResourceVersion,
    Review,
    QualityCriterion,
    CaseStudy,
    CaseStudyProject,
    CaseStudyParticipantGroup,
    CaseStudyPerson,
    CaseStudyOutput,
    CaseStudyImpact,
    ResourceUse,
    Endorsement,
    Rating,
    ResourceComment,
    ResourceCommentFlag,
    Subscription,
)
# The default checklist of the curation data migration: the demo's reviews tick exactly these.
CHECKLIST_CODES = {
    "accurate",
    "clearly-written",
    "sources-and-licence",
    "useful-to-practice",
    "inclusive-language",
    "personal-data-protected",
}


@pytest.fixture(scope="module")
def demo_hub(
    module_db: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The demo people, projects and hub, loaded once for the module (loading takes seconds);
    the tests read it, each in its own savepoint, and the module's transaction is rolled back."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-hub-media"))):
        with django_db_blocker.unblock():
            load_demo_people()
            load_demo_projects()
            load_demo_hub()
        yield


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in HUB_MODELS}


def _words(markdown: str) -> int:
    return len(re.findall(r"[\w’'-]+", markdown))


def test_loading_the_hub_twice_doubles_nothing(demo_hub: None) -> None:
    before = _counts()
    assert load_demo_hub() == []
    assert _counts() == before
    assert before["Resource"] == len(RESOURCES)


def test_the_hub_demo_has_what_item_11_asks(demo_hub: None) -> None:
    resources = Resource.objects.all()
    assert resources.count() >= 44
    assert resources.filter(status=Resource.Status.PUBLISHED).count() >= 40
    assert set(resources.values_list("kind", flat=True)) == set(ResourceKind.values)
    faculties = ResourceTag.objects.filter(kind=ResourceTagKind.FACULTY)
    assert faculties.values("value").distinct().count() >= 6
    assert resources.filter(language="nl").count() >= 10
    assert resources.filter(language="en").count() >= 30
    assert CaseStudy.objects.count() == 6
    assert CaseStudy.objects.filter(resource__language="nl").exists()
    assert not resources.filter(kind=ResourceKind.CASE_STUDY, case_study__isnull=True).exists()


def test_three_case_studies_tell_about_public_demo_projects(demo_hub: None) -> None:
    links = CaseStudyProject.objects.select_related("project")
    assert links.count() == 3
    for link in links:
        assert link.project.visibility == "public"
        assert link.project.status not in UNAPPROVED
    for study in CaseStudy.objects.all():
        assert study.participant_groups.exists()
        assert study.people.exists()
        assert study.outputs.exists()
        assert study.impacts.values("kind").distinct().count() >= 2
        assert study.impacts.exclude(evidence=[]).exists()
        for impact in study.impacts.all():
            assert all(item["url"].startswith("http") for item in impact.evidence)


def test_translations_point_at_each_other_in_both_languages(demo_hub: None) -> None:
    pairs = Resource.objects.filter(language="nl", translation__isnull=False)
    assert pairs.count() >= 6
    for dutch in pairs.select_related("translation"):
        english = dutch.translation
        assert english is not None
        assert english.language == "en"
        assert english.translation_id == dutch.pk
        assert english.kind == dutch.kind


def test_every_facet_and_every_checklist_template_is_used(demo_hub: None) -> None:
    for kind in (ResourceTagKind.DOMAIN, ResourceTagKind.PHASE, ResourceTagKind.AUDIENCE):
        assert ResourceTag.objects.filter(kind=kind).values("value").distinct().count() >= 6
    assert ResourceTag.objects.filter(kind=ResourceTagKind.SDG).exists()
    published = Resource.objects.filter(status=Resource.Status.PUBLISHED)
    assert published.values("licence").distinct().count() >= 4
    assert published.values("organisation").distinct().count() >= 3
    assert (
        published.exclude(participation_level="").values("participation_level").distinct().count()
        == 3
    )
    needed = set(TemplateType.values) - {TemplateType.OTHER}
    assert needed <= set(published.values_list("template_type", flat=True))


def test_the_demo_shows_every_curation_state(demo_hub: None) -> None:
    statuses = dict(Resource.objects.values_list("status").annotate(count=Count("id")).order_by())
    assert statuses["submitted"] == 2
    assert statuses["changes_requested"] == 1
    assert statuses["draft"] == 1
    assert statuses["declined"] == 1
    assert statuses["retired"] == 1
    submitted = Resource.objects.filter(status=Resource.Status.SUBMITTED)
    assert submitted.filter(submitted_by__email="volunteer@demo.cslab.test").exists()
    draft = Resource.objects.get(status=Resource.Status.DRAFT)
    assert draft.submitted_by.email == "researcher@demo.cslab.test"
    for status in ("changes_requested", "declined"):
        review = Review.objects.get(resource__status=status)
        assert review.comment
        assert review.reviewer.email == "staff@demo.cslab.test"
    retired = Resource.objects.get(status=Resource.Status.RETIRED)
    assert retired.retirement_notice and retired.retired_at
    week_ago = timezone.now() - timedelta(days=7)
    assert (
        Resource.objects.filter(
            status=Resource.Status.PUBLISHED, published_at__gte=week_ago
        ).count()
        >= 3
    )
    assert Resource.objects.filter(
        status=Resource.Status.PUBLISHED, published_at__lt=timezone.now() - timedelta(days=300)
    ).exists()
    assert set(QualityCriterion.objects.values_list("code", flat=True)) == CHECKLIST_CODES
    for review in Review.objects.filter(decision=Review.Decision.PUBLISH):
        assert set(review.criteria) == CHECKLIST_CODES and all(review.criteria.values())


def test_published_resources_keep_each_version_with_real_differences(demo_hub: None) -> None:
    for resource in Resource.objects.filter(status__in=["published", "retired"]):
        numbers = list(resource.versions.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, resource.version + 1))
    later = Resource.objects.filter(version__gte=2)
    assert later.count() >= 5
    assert later.filter(version=3).exists()
    for resource in later:
        versions = list(resource.versions.order_by("number"))
        bodies = [version.content["body"] for version in versions]
        assert len(set(bodies)) == len(bodies)
        assert all(version.change_note for version in versions[1:])
        assert versions[-1].content["body"].strip() == resource.body.strip()
        assert set(versions[0].content) >= {"title", "summary", "body", "tags", "authors"}
    assert not ResourceVersion.objects.filter(resource__status="draft").exists()


def test_every_body_renders_and_published_ones_are_the_length_of_a_real_text(
    demo_hub: None,
) -> None:
    for resource in Resource.objects.all():
        html = render_markdown(resource.body)
        assert "<h2>" in html or resource.status != Resource.Status.PUBLISHED
        assert "<script" not in html
        if resource.status == Resource.Status.PUBLISHED:
            assert 150 <= _words(resource.body) <= 400, resource.slug
            assert resource.summary.endswith(".")
            assert resource.authors.exists()
            assert resource.search_document
            assert resource.authors.first().name.lower() in resource.search_document
    tables = Resource.objects.filter(body__contains="|---|")
    assert tables.count() >= 10
    for study in CaseStudy.objects.all():
        for text in (study.context, study.methods, study.lessons):
            assert render_markdown(text).strip()


def test_every_use_count_equals_the_uses_stored(demo_hub: None) -> None:
    resources = Resource.objects.annotate(uses_stored=Count("uses"))
    assert all(resource.use_count == resource.uses_stored for resource in resources)
    assert ResourceUse.objects.values("project").distinct().count() >= 5


def test_feedback_shows_every_kind(demo_hub: None) -> None:
    assert Endorsement.objects.filter(endorsed_by__email="staff@demo.cslab.test").count() >= 5
    assert Rating.objects.values("user").distinct().count() >= 5
    assert not Rating.objects.filter(
        resource__status__in=["draft", "submitted", "declined"]
    ).exists()
    hidden = ResourceComment.objects.get(hidden_at__isnull=False)
    assert hidden.hidden_reason and hidden.hidden_by.email == "staff@demo.cslab.test"
    flagged = ResourceComment.objects.get(flag_count__gt=0)
    assert flagged.flags.count() == flagged.flag_count
    assert Resource.objects.filter(view_count__gt=0, download_count__gt=0).exists()
    subscription = Subscription.objects.get(user__email="volunteer@demo.cslab.test")
    assert subscription.query == "domain=biodiversity&kind=method_card"
    assert len(subscription.token) >= 32


def test_files_and_covers_are_real_files_with_descriptions(demo_hub: None) -> None:
    files = {item.content_type: item for item in ResourceFile.objects.all()}
    assert set(files) == {"text/csv", "application/pdf", "image/png"}
    for item in ResourceFile.objects.all():
        content = item.file.read()
        item.file.close()
        assert len(content) == item.size
        if item.content_type == "application/pdf":
            assert content.startswith(b"%PDF-")
        elif item.content_type == "image/png":
            assert Image.open(io.BytesIO(content)).format == "PNG"
        else:
            rows = list(csv.reader(io.StringIO(content.decode())))
            assert len(rows) >= 2 and len({len(row) for row in rows}) == 1
    published = Resource.objects.filter(status=Resource.Status.PUBLISHED)
    covered = published.exclude(cover_image="")
    assert published.count() / 4 <= covered.count() <= published.count() / 2
    for resource in covered:
        assert len(resource.cover_alt_text) > 20
        with resource.cover_image.open() as image_file:
            assert Image.open(image_file).size == (960, 540)
