from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cslab.hub.vocabulary import ResourceLanguage


class TrainingModule(models.Model):
    """A learning path: lessons in order, some with a short quiz, leading to a certificate.

    Trainers and Lab staff write modules; a published module is open to everyone, and a signed-in
    person's progress is saved. Completing every lesson (passing every quiz) earns a
    `Certificate`.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=600)
    description = models.TextField(_("description (Markdown)"), blank=True, max_length=20_000)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=ResourceLanguage.choices,
        default=ResourceLanguage.ENGLISH,
    )
    estimated_minutes = models.PositiveIntegerField(_("time it takes (minutes)"), default=30)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="training_modules_created",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]),
                name="training_module_status_valid",
            ),
        ]
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training_module_detail", kwargs={"slug": self.slug})


class Lesson(models.Model):
    """One step of a module: text (Markdown, with images), an optional video link, files to
    download, and an optional quiz with a pass mark. `prerequisites` are lessons of the same
    module to finish first."""

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField(_("slug"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True, max_length=50_000)
    # A link to a video on a known host (YouTube, Vimeo, PeerTube...); embedded as a
    # privacy-friendly player by the lesson page, never as raw HTML from the author.
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    # A quiz is passed with at least this share of questions right; empty: no quiz.
    pass_mark_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="unlocks",
        verbose_name=_("lessons to finish first"),
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="training_lesson_slug_once"),
            models.CheckConstraint(
                condition=Q(pass_mark_percent__isnull=True)
                | Q(pass_mark_percent__gte=1, pass_mark_percent__lte=100),
                name="training_lesson_pass_mark_1_to_100",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "training_lesson_detail",
            kwargs={"slug": self.module.slug, "lesson_slug": self.slug},
        )

    @property
    def has_quiz(self) -> bool:
        return self.pass_mark_percent is not None


class LessonFile(models.Model):
    """An image shown in a lesson or material to download; checked by content like hub files."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOWNLOAD = "download", _("Download")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to="training/files/")
    title = models.CharField(_("title"), max_length=200)
    alt_text = models.CharField(_("description (alt text)"), max_length=300, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="image") | ~Q(alt_text=""),
                name="training_lesson_image_has_alt_text",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Several answers")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    # Shown after an attempt: why the right answer is right.
    explanation = models.TextField(_("explanation"), blank=True, max_length=2000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class QuizChoice(models.Model):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=300)
    correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text
