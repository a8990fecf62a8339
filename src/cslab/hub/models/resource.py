from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cslab.hub.vocabulary import (
    ParticipationLevel,
    ResourceKind,
    ResourceLanguage,
    ResourceLicence,
    ResourceTagKind,
    TemplateType,
)


class Resource(models.Model):
    """One piece of know-how in the hub: a guide, method card, tool, template, ... or case study.

    Its life: a signed-in person drafts and submits it; Lab curators publish it, ask for changes
    or decline it (`hub.states`). A published resource keeps every published text as a
    `ResourceVersion`; a retired one stays reachable with a notice. A case study is a resource
    of kind `case_study` with a `CaseStudy` row holding its structure.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined")
        RETIRED = "retired", _("Retired")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=ResourceKind.choices)
    template_type = models.CharField(
        _("template for"), max_length=30, choices=TemplateType.choices, blank=True
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=600)
    body = models.TextField(_("text (Markdown)"), blank=True, max_length=100_000)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    participation_level = models.CharField(
        _("participation level"), max_length=20, choices=ParticipationLevel.choices, blank=True
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=ResourceLanguage.choices,
        default=ResourceLanguage.ENGLISH,
    )
    # The same resource in the other language; the services keep both sides pointing at each
    # other.
    translation = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("translation"),
    )
    licence = models.CharField(
        _("licence"), max_length=30, choices=ResourceLicence.choices, default=ResourceLicence.CC_BY
    )
    cover_image = models.ImageField(_("cover image"), upload_to="hub/covers/", blank=True)
    cover_alt_text = models.CharField(
        _("cover image description (alt text)"), max_length=300, blank=True
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="hub_resources",
        verbose_name=_("submitted by"),
    )
    # The number of the latest ResourceVersion (0 before the first publication).
    version = models.PositiveIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    retirement_notice = models.TextField(_("retirement notice"), blank=True, max_length=2000)

    # Kept with F() updates, so concurrent views and downloads never lose a count.
    view_count = models.PositiveIntegerField(_("views"), default=0)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    use_count = models.PositiveIntegerField(_("projects using it"), default=0)

    # Lower-case text the search indexes read (body, authors, tags); kept by the services.
    search_document = models.TextField(editable=False, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="hub_resource_status_published"),
            models.Index(fields=["kind", "status"], name="hub_resource_kind_status"),
            models.Index(fields=["submitted_by", "status"], name="hub_resource_submitter"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "changes_requested",
                        "published",
                        "declined",
                        "retired",
                    ]
                ),
                name="hub_resource_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(cover_image="") | ~Q(cover_alt_text=""),
                name="hub_resource_cover_has_alt_text",
            ),
            models.CheckConstraint(
                condition=Q(template_type="") | Q(kind=ResourceKind.TEMPLATE),
                name="hub_resource_template_type_only_on_templates",
            ),
            models.CheckConstraint(
                condition=~Q(translation=models.F("pk")),
                name="hub_resource_not_its_own_translation",
            ),
        ]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hub_resource_detail", kwargs={"slug": self.slug})

    @property
    def is_listed(self) -> bool:
        """Published resources are listed; retired ones are reachable but not listed."""
        return self.status == self.Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        """Anyone may open a published or retired resource."""
        return self.status in (self.Status.PUBLISHED, self.Status.RETIRED)

    @property
    def is_case_study(self) -> bool:
        return self.kind == ResourceKind.CASE_STUDY

    def tags_of(self, kind: ResourceTagKind) -> list[str]:
        """Return the values of one multi-valued field (uses prefetched tags when present)."""
        return sorted(tag.value for tag in self.tags.all() if tag.kind == kind)


class ResourceTag(models.Model):
    """One value of a multi-valued field (faculty, domain, phase, SDG, audience, keyword)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=20, choices=ResourceTagKind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "kind", "value"], name="hub_resource_tag_once"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "value", "resource"], name="hub_resource_tag_facet")
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class ResourceAuthor(models.Model):
    """An author: a person with a cslab account (linked to their profile) or a free name."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="authors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hub_authorships",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "position"], name="hub_resource_author_position_once"
            ),
        ]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name


class ResourceFile(models.Model):
    """A downloadable file, checked by its content and size-limited on upload."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="hub/files/", max_length=300)
    title = models.CharField(_("title"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "original_name"], name="hub_resource_file_name_once"
            ),
        ]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.title


class ResourceLink(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=1000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.title


class ResourceVersion(models.Model):
    """A published text of a resource, kept so readers can see what changed between versions.

    `content` is a snapshot of everything a reader sees (title, summary, body, metadata,
    authors, links, file names and, for case studies, their structure), as plain JSON.
    """

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "number"], name="hub_resource_version_once"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="hub_resource_version_from_one"
            ),
        ]
        verbose_name = _("version")
        verbose_name_plural = _("versions")

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"
