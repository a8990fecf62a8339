"""The demo knowledge hub: 46 resources of every kind, six case studies, curation and feedback.

The texts live in `hub.demo_content` (plain data, English and Dutch). This module stores them
through the ORM directly, like the hub's test factories: the resource's slug is its natural key
(unique), and a resource that exists is left as it is, with everything that hangs from it, so a
second load adds nothing. The demo people and projects come from the loaders that run before.
"""

import hashlib
import importlib
import io
import math
import random
import secrets
from datetime import date, timedelta
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, ImageColor, ImageDraw

from cslab.accounts.models import User
from cslab.core.demo import DemoLogin
from cslab.hub.demo_content import DemoCaseStudy, DemoResource
from cslab.hub.demo_content.case_studies import CASE_STUDIES, CASE_STUDY_RESOURCES
from cslab.hub.demo_content.dutch import DUTCH
from cslab.hub.demo_content.guides import GUIDES
from cslab.hub.demo_content.materials import MATERIALS
from cslab.hub.demo_content.templates import TEMPLATES
from cslab.hub.documents import resource_search_document
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
from cslab.hub.queries import search_params_from_query
from cslab.hub.vocabulary import ResourceTagKind
from cslab.projects.models import Project

DEMO_ORIGIN = "cslab-demo"
STAFF = "staff@demo.cslab.test"
VOLUNTEER = "volunteer@demo.cslab.test"

RESOURCES: tuple[DemoResource, ...] = (
    *GUIDES,
    *TEMPLATES,
    *MATERIALS,
    *CASE_STUDY_RESOURCES,
    *DUTCH,
)

# The curators' default checklist comes from the curation data migration (0002), so the demo
# reviews tick exactly the criteria a fresh database has.
_DEFAULT_CHECKLIST = importlib.import_module("cslab.hub.migrations.0002_curation_default_criteria")
CRITERION_CODES = tuple(row[0] for row in _DEFAULT_CHECKLIST.DEFAULT_CRITERIA)

# Who used which resource in which demo project (project external_id, resource slug, note).
USES = (
    ("pollinators", "pollinator-timed-count", "Our weekly 15-minute count follows this card."),
    ("pollinators", "consent-form-template", "Adapted for garden owners."),
    ("pollinators", "recruitment-poster-template", "Printed for the garden centres."),
    ("pollinators", "inaturalist-for-projects", "Photos of unknown visitors go to iNaturalist."),
    ("pollinators", "feeding-back-results", ""),
    ("rhine-water", "river-test-kit-sampling", "All sampling teams trained with it."),
    ("rhine-water", "data-quality-volunteer-monitoring", "Duplicate samples every quarter."),
    ("rhine-water", "odk-collect-field-forms", ""),
    ("rhine-water", "data-management-plan-template", ""),
    ("rhine-water", "recruitment-plan-template", "Used for the spring campaign."),
    ("ship-logs", "transcription-double-keying", "Every page keyed twice."),
    ("ship-logs", "zooniverse-project-builder", ""),
    ("air-quality", "working-with-patient-organisations", "Basis of our advisory board."),
    ("air-quality", "symptom-diary-method", ""),
    ("air-quality", "low-cost-air-sensors", "We compared two sensor types first."),
    ("air-quality", "ethics-application-template", ""),
    ("heat-stress", "research-question-worksheet", "Used in the first residents' evening."),
    ("heat-stress", "neighbourhood-walk-audit", ""),
    ("night-sky", "sky-brightness-measurement", ""),
    ("dune-finds", "finds-registration-card", ""),
    ("bike-safety", "ten-principles-in-practice", ""),
)

ENDORSED = (
    ("ten-principles-in-practice", "The Lab's starting point for every new project."),
    ("consent-form-template", "Checked by the university's privacy officer."),
    ("data-management-plan-template", "Accepted by the faculty data stewards."),
    ("pollinator-timed-count", "Tested over three seasons in Leiden gardens."),
    ("feeding-back-results", ""),
    ("research-question-worksheet", "We use it in every incubation meeting."),
    ("case-rhine-water-quality", ""),
)

RATERS = (
    "researcher@demo.cslab.test",
    "health.researcher@demo.cslab.test",
    "organiser@demo.cslab.test",
    "ngo@demo.cslab.test",
    "volunteer@demo.cslab.test",
    "student@demo.cslab.test",
    "trainer@demo.cslab.test",
)

# (resource slug, author e-mail, text, "hide: reason" | "flag: reason" | "")
COMMENTS = (
    (
        "pollinator-timed-count",
        "volunteer@demo.cslab.test",
        "I count on Saturday mornings now: between ten and eleven the bees are busiest on my"
        " lavender.",
        "",
    ),
    (
        "pollinator-timed-count",
        "student@demo.cslab.test",
        "Is a hoverfly that only lands for a second counted as a visit?",
        "",
    ),
    (
        "pollinator-timed-count",
        "researcher@demo.cslab.test",
        "Yes: it counts once it touches the flower. The card now says so under 'Counting'.",
        "",
    ),
    (
        "consent-form-template",
        "organiser@demo.cslab.test",
        "We needed a version for residents who read little Dutch; the plain-language sentences"
        " translated well.",
        "",
    ),
    (
        "odk-collect-field-forms",
        "ngo@demo.cslab.test",
        "Buy cheap phones for the teams cheaply: cheap cheap phones at my shop, link in bio!!!",
        "hide: Advertising, not about the resource.",
    ),
    (
        "river-test-kit-sampling",
        "student@demo.cslab.test",
        "The nitrate strips are useless, whoever wrote this has never been near a river.",
        "flag: Rude to the authors.",
    ),
    (
        "river-test-kit-sampling",
        "ngo@demo.cslab.test",
        "Tip: keep the strips in the fridge in summer, they fade in a hot car.",
        "",
    ),
    (
        "case-ship-logs",
        "volunteer@demo.cslab.test",
        "I transcribed 400 pages for this project. Lovely to read what came of it.",
        "",
    ),
)

FOLLOWED_SEARCH = {"domain": ["biodiversity"], "kind": ["method_card"]}
FOLLOWED_LABEL = "Method cards · Biodiversity"

COVER_SIZE = (960, 540)
PALETTES = {
    "biodiversity": ("#e8f3d6", "#9cc979", "#2f6b2f"),
    "water": ("#dff1fb", "#7fb8d9", "#1d4f7a"),
    "heritage": ("#f6ecd9", "#d2b48c", "#6b4424"),
    "health": ("#fde8e4", "#eda89b", "#8a2d22"),
    "climate": ("#fff1cf", "#f4b860", "#9b4a12"),
    "astronomy": ("#1c2140", "#3b4a86", "#f5e9a8"),
    "social": ("#efe6f7", "#b79bd6", "#4b2a73"),
    "urban": ("#e6ecef", "#a4b4bd", "#33444d"),
    "environment": ("#e4f2ee", "#8fc4b3", "#245247"),
    "education": ("#fdf3dc", "#e9c46a", "#6b4f0f"),
    "language": ("#f3e6ea", "#d39cae", "#6d2740"),
    "technology": ("#e7eaf6", "#98a3d1", "#27306b"),
}


def load_demo_hub() -> list[DemoLogin]:
    """Store whatever demo resources are missing, then their translations, case studies,
    feedback and the volunteer's followed search. Returns no log-ins: the people exist."""
    people = {user.email: user for user in User.objects.filter(email__endswith="@demo.cslab.test")}
    if STAFF not in people:
        return []
    _criteria()
    now = timezone.now()
    for number, demo in enumerate(RESOURCES):
        if not Resource.objects.filter(slug=demo.slug).exists():
            _store_resource(demo, number, people, now)
    _link_translations()
    projects = {
        project.external_id: project for project in Project.objects.filter(origin=DEMO_ORIGIN)
    }
    for case in CASE_STUDIES:
        _store_case_study(case, people, projects)
    _store_feedback(people, projects)
    _store_subscription(people)
    return []


def _criteria() -> None:
    if not QualityCriterion.objects.filter(code__in=CRITERION_CODES).exists():
        _DEFAULT_CHECKLIST.add_criteria(global_apps, None)


def _sections(body: str) -> list[str]:
    """Split a Markdown body before each second-level heading."""
    parts = body.split("\n## ")
    return [parts[0], *("## " + part for part in parts[1:])]


def _body_of_version(body: str, missing: int) -> str:
    """The body as an earlier version read it: without its last `missing` sections."""
    sections = _sections(body)
    keep = max(1, len(sections) - missing)
    return "\n".join(sections[:keep]).rstrip() + "\n"


def _tags(demo: DemoResource) -> dict[str, tuple[str, ...]]:
    return {
        ResourceTagKind.FACULTY: demo.faculties,
        ResourceTagKind.DOMAIN: demo.domains,
        ResourceTagKind.PHASE: demo.phases,
        ResourceTagKind.AUDIENCE: demo.audiences,
        ResourceTagKind.SDG: demo.sdgs,
        ResourceTagKind.KEYWORD: demo.keywords,
    }


def _author_name(author: str, people: dict[str, User]) -> tuple[User | None, str]:
    if "@" in author:
        person = people[author]
        return person, person.display_name or author
    return None, author


@transaction.atomic
def _store_resource(demo: DemoResource, number: int, people: dict[str, User], now: Any) -> Resource:
    published = demo.status in (Resource.Status.PUBLISHED, Resource.Status.RETIRED)
    moment = now - timedelta(days=demo.age_days, hours=number % 9, minutes=7 * number % 60)
    submitter = people.get(demo.submitted_by)
    resource = Resource(
        slug=demo.slug,
        kind=demo.kind,
        template_type=demo.template_type,
        title=demo.title,
        summary=demo.summary,
        body=demo.body,
        organisation=demo.organisation,
        department=demo.department,
        participation_level=demo.participation_level,
        language=demo.language,
        licence=demo.licence,
        status=demo.status,
        submitted_by=submitter,
        version=(1 + len(demo.revisions)) if published else 0,
        submitted_at=None if demo.status == Resource.Status.DRAFT else moment,
        published_at=moment if published else None,
        retired_at=now - timedelta(days=12) if demo.status == Resource.Status.RETIRED else None,
        retirement_notice=demo.retirement_notice,
        view_count=demo.views or (37 * (number + 3)) % 900 + 20 if published else 0,
    )
    if demo.cover_alt:
        resource.cover_alt_text = demo.cover_alt
        resource.cover_image.save(f"{demo.slug}.jpg", ContentFile(_cover_image(demo)), save=False)
    # The fields' own checks; the constraints are the database's (the slug's uniqueness is the
    # natural key the loader looked up).
    resource.full_clean(validate_unique=False, validate_constraints=False)
    resource.save()
    ResourceTag.objects.bulk_create(
        ResourceTag(resource=resource, kind=kind, value=value)
        for kind, values in _tags(demo).items()
        for value in values
    )
    authors = []
    for position, author in enumerate(demo.authors):
        user, name = _author_name(author, people)
        authors.append(ResourceAuthor(resource=resource, user=user, name=name, position=position))
    ResourceAuthor.objects.bulk_create(authors)
    ResourceLink.objects.bulk_create(
        ResourceLink(resource=resource, title=title, url=url, position=position)
        for position, (title, url) in enumerate(demo.links)
    )
    downloads = 0
    for kind in demo.files:
        downloads += _store_file(resource, kind, number)
    resource.download_count = downloads
    resource.search_document = resource_search_document(resource)
    resource.save(update_fields=["search_document", "download_count"])
    staff = people[STAFF]
    if published:
        _store_versions(resource, demo, staff, moment)
    _store_reviews(resource, demo, staff, moment)
    return resource


def _snapshot(resource: Resource, demo: DemoResource, body: str) -> dict[str, Any]:
    tags: dict[str, list[str]] = {}
    for tag in resource.tags.all().order_by("kind", "value"):
        tags.setdefault(tag.kind, []).append(tag.value)
    return {
        "title": resource.title,
        "summary": resource.summary,
        "body": body,
        "kind": resource.kind,
        "language": resource.language,
        "licence": resource.licence,
        "tags": tags,
        "authors": [author.name for author in resource.authors.all()],
    }


def _store_versions(resource: Resource, demo: DemoResource, staff: User, moment: Any) -> None:
    notes = ("", *demo.revisions)
    count = len(notes)
    for index, note in enumerate(notes):
        number = index + 1
        body = _body_of_version(demo.body, count - number)
        version = ResourceVersion.objects.create(
            resource=resource,
            number=number,
            content=_snapshot(resource, demo, body),
            change_note=note,
            created_by=staff,
        )
        # Later versions came weeks after the first publication (never in the future).
        when = moment + timedelta(days=index * max(1, demo.age_days // (count + 1)))
        ResourceVersion.objects.filter(pk=version.pk).update(created_at=when)


def _store_reviews(resource: Resource, demo: DemoResource, staff: User, moment: Any) -> None:
    codes = list(CRITERION_CODES)
    every = dict.fromkeys(codes, True)
    decisions: dict[str, str] = {
        Resource.Status.PUBLISHED: Review.Decision.PUBLISH,
        Resource.Status.RETIRED: Review.Decision.PUBLISH,
        Resource.Status.CHANGES_REQUESTED: Review.Decision.REQUEST_CHANGES,
        Resource.Status.DECLINED: Review.Decision.DECLINE,
    }
    decision = decisions.get(demo.status)
    if decision is None:
        return
    criteria = every
    if decision != Review.Decision.PUBLISH:
        criteria = {**every, "useful-to-practice": False, "sources-and-licence": False}
    review = Review.objects.create(
        resource=resource,
        reviewer=staff,
        decision=decision,
        comment=demo.review_comment,
        criteria=criteria,
    )
    Review.objects.filter(pk=review.pk).update(created_at=moment)


def _store_file(resource: Resource, kind: str, number: int) -> int:
    """Make one small file of `kind` and attach it; return its (demo) download count."""
    name, title, content_type, content = {
        "csv": (
            f"{resource.slug}.csv",
            "Spreadsheet template (CSV)",
            "text/csv",
            _csv_template(resource),
        ),
        "pdf": (f"{resource.slug}.pdf", "Printable form (PDF)", "application/pdf", _pdf(resource)),
        "png": (f"{resource.slug}.png", "Poster (PNG)", "image/png", _poster(resource)),
    }[kind]
    stored = default_storage.save(f"hub/files/{name}", ContentFile(content))
    downloads = 11 + (number * 13) % 140
    ResourceFile.objects.create(
        resource=resource,
        file=stored,
        title=title,
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        download_count=downloads,
    )
    return downloads


def _csv_template(resource: Resource) -> bytes:
    if resource.template_type == "data_management_plan":
        rows = [
            "dataset,description,format,personal_data,licence,repository,retention_years",
            "observations,Counts submitted by volunteers,CSV,no,CC0-1.0,GBIF,10",
            "consent_records,Signed consent forms,PDF,yes,closed,University archive,10",
            "photos,Photos of visitors,JPEG,possibly (faces removed),CC-BY-4.0,Zenodo,10",
        ]
    else:
        rows = [
            "date,site_id,start_time,duration_min,observer_code,plant,count,notes",
            "2026-05-14,LEI-017,10:05,15,V12,lavender,9,",
            "2026-05-14,LEI-017,10:25,15,V12,borage,4,windy",
        ]
    return ("\n".join(rows) + "\n").encode()


def _pdf(resource: Resource) -> bytes:
    """A one-page PDF: a light page with boxes where a form's fields go."""
    image = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([40, 40, 555, 110], fill="#e6ecef")
    for row in range(8):
        top = 160 + row * 70
        draw.rectangle([60, top, 535, top + 44], outline="#33444d", width=2)
    for row in range(3):
        top = 740 + row * 20
        draw.rectangle([60, top, 76, top + 14], outline="#33444d", width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=72)
    return buffer.getvalue()


def _poster(resource: Resource) -> bytes:
    """An A-format poster layout: a coloured band, a picture area and a tear-off strip."""
    image = Image.new("RGB", (600, 848), "#fffaf0")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 600, 160], fill="#2f6b2f")
    draw.ellipse([170, 220, 430, 480], fill="#f4b860")
    for angle in range(0, 360, 45):
        x = 300 + 170 * math.cos(math.radians(angle))
        y = 350 + 170 * math.sin(math.radians(angle))
        draw.ellipse([x - 30, y - 30, x + 30, y + 30], fill="#9cc979")
    for strip in range(6):
        left = strip * 100
        draw.rectangle([left + 6, 700, left + 94, 840], outline="#2f6b2f", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _cover_image(demo: DemoResource) -> bytes:
    """A simple picture (JPEG) in the colours of the resource's first domain, the same on every
    run."""
    top, bottom, ink = PALETTES.get(demo.domains[0] if demo.domains else "", PALETTES["urban"])
    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE)
    draw = ImageDraw.Draw(image)
    start, end = ImageColor.getrgb(top), ImageColor.getrgb(bottom)
    for row in range(height):
        share = row / (height - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(start, end, strict=True))
        draw.line([(0, row), (width, row)], fill=colour)
    chance = random.Random(demo.slug)  # noqa: S311 - a picture, not a secret
    for _ in range(14):
        x, y = chance.uniform(0, width), chance.uniform(0, height)
        radius = chance.uniform(14, 60)
        if chance.random() < 0.5:
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=ink, width=5)
        else:
            draw.rectangle([x - radius, y - radius / 2, x + radius, y + radius / 2], fill=ink)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _link_translations() -> None:
    """Point each Dutch resource and its English original at each other (both sides)."""
    for demo in RESOURCES:
        if not demo.translation_of:
            continue
        pair = {
            resource.slug: resource
            for resource in Resource.objects.filter(slug__in=[demo.slug, demo.translation_of])
        }
        if len(pair) != 2:
            continue
        dutch, english = pair[demo.slug], pair[demo.translation_of]
        if dutch.translation_id != english.pk:
            Resource.objects.filter(pk=dutch.pk).update(translation=english)
        if english.translation_id != dutch.pk:
            Resource.objects.filter(pk=english.pk).update(translation=dutch)


def _address(url: str) -> str:
    """An address as stored: a path on the Lab's own site gets the site's address in front."""
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def _day(text: str) -> date:
    return date.fromisoformat(text)


@transaction.atomic
def _store_case_study(
    case: DemoCaseStudy, people: dict[str, User], projects: dict[str, Project]
) -> None:
    resource = Resource.objects.filter(slug=case.slug).first()
    if resource is None:
        return
    study, created = CaseStudy.objects.get_or_create(
        resource=resource,
        defaults={
            "context": case.context,
            "methods": case.methods,
            "lessons": case.lessons,
            "period_start": _day(case.period[0]),
            "period_end": _day(case.period[1]) if case.period[1] else None,
            "place": case.place,
        },
    )
    if case.project and case.project in projects:
        CaseStudyProject.objects.get_or_create(case_study=study, project=projects[case.project])
    if not created:
        return
    for position, (kind, count, description) in enumerate(case.groups):
        CaseStudyParticipantGroup.objects.create(
            case_study=study, kind=kind, count=count, description=description, position=position
        )
    for position, (email, name, role) in enumerate(case.people):
        CaseStudyPerson.objects.create(
            case_study=study, user=people.get(email), name=name, role=role, position=position
        )
    for position, (kind, title, url, year) in enumerate(case.outputs):
        CaseStudyOutput.objects.create(
            case_study=study,
            kind=kind,
            title=title,
            url=_address(url),
            year=year,
            position=position,
        )
    for position, (kind, description, evidence) in enumerate(case.impacts):
        CaseStudyImpact.objects.create(
            case_study=study,
            kind=kind,
            description=description,
            evidence=[{"title": title, "url": _address(url)} for title, url in evidence],
            position=position,
        )


def _once(model: type[Any], **fields: Any) -> bool:
    """Create a row unless its unique constraint says it exists; True when created."""
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def _store_feedback(people: dict[str, User], projects: dict[str, Project]) -> None:
    resources = {resource.slug: resource for resource in Resource.objects.all()}
    staff = people[STAFF]
    for project_key, slug, note in USES:
        if slug in resources and project_key in projects:
            project = projects[project_key]
            _once(
                ResourceUse,
                resource=resources[slug],
                project=project,
                added_by=project.initiator,
                note=note,
            )
    for slug, resource in resources.items():
        uses = ResourceUse.objects.filter(resource=resource).count()
        if resource.use_count != uses:
            Resource.objects.filter(slug=slug).update(use_count=uses)
    for slug, statement in ENDORSED:
        if slug in resources:
            _once(Endorsement, resource=resources[slug], endorsed_by=staff, statement=statement)
    published = [
        resource
        for resource in sorted(resources.values(), key=lambda resource: resource.slug)
        if resource.status == Resource.Status.PUBLISHED
    ]
    for index, resource in enumerate(published):
        for offset, email in enumerate(RATERS[: 1 + index % 5]):
            if email in people and resource.submitted_by_id != people[email].pk:
                stars = 5 - (index + offset) % 3
                _once(Rating, resource=resource, user=people[email], stars=stars)
    for slug, email, text, moderation in COMMENTS:
        if slug not in resources or email not in people:
            continue
        resource = resources[slug]
        if ResourceComment.objects.filter(resource=resource, text=text).exists():
            continue
        comment = ResourceComment.objects.create(resource=resource, author=people[email], text=text)
        action, _sep, reason = moderation.partition(": ")
        if action == "hide":
            ResourceComment.objects.filter(pk=comment.pk).update(
                hidden_at=timezone.now(), hidden_reason=reason, hidden_by=staff
            )
        elif action == "flag":
            ResourceCommentFlag.objects.create(
                comment=comment, user=people[VOLUNTEER], reason=reason
            )
            ResourceComment.objects.filter(pk=comment.pk).update(flag_count=1)


def _store_subscription(people: dict[str, User]) -> None:
    if VOLUNTEER not in people:
        return
    query = search_params_from_query(FOLLOWED_SEARCH).query_string(for_following=True)
    Subscription.objects.get_or_create(
        user=people[VOLUNTEER],
        query=query,
        defaults={"label": FOLLOWED_LABEL, "token": secrets.token_urlsafe(32)},
    )
