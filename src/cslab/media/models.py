"""Files attached to observations: photos, audio recordings and other answers that are files.

The file as received is kept privately (`original`): it may carry EXIF GPS and the device
owner's name. What the public sees is a re-encoded derivative without metadata
(`public_file`) and its thumbnail; audio is kept as received after its type was checked by
content. An attachment is known by its observation and the file name the form answer names,
unique together, so a resubmission that carries the same file again stores nothing twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cslab.observations.models.observation import Observation


class Media(models.Model):
    """One file answer of an observation."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        AUDIO = "audio", _("Audio")
        VIDEO = "video", _("Video")
        FILE = "file", _("Other file")

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="media", verbose_name=_("observation")
    )
    # The file name as the answers name it (ODK Collect: "1714550000000.jpg").
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the original"), max_length=64)
    original = models.FileField(_("original"), upload_to="observations/original/%Y/%m/")
    public_file = models.FileField(
        _("public copy"), upload_to="observations/public/%Y/%m/", blank=True
    )
    thumbnail = models.FileField(_("thumbnail"), upload_to="observations/thumbs/%Y/%m/", blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set when the file was removed on request (a face, a name): its files are gone from storage
    # and the row stays, so that the answer naming it still reads "removed on request", a
    # subject made from it keeps its classifications, and a replay of the same file from an
    # offline device finds the row and stores nothing again (`media_attach`).
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        db_table = "collection_media"  # the table it had in `collection`
        verbose_name = _("media file")
        verbose_name_plural = _("media files")
        ordering = ["observation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["observation", "name"], name="media_unique_name"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["image", "audio", "video", "file"]),
                name="media_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.observation_id}/{self.name}"
