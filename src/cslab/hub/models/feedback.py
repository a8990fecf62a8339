from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ResourceUse(models.Model):
    """ "Used in my project": a project's team says a resource helped it (shown on both pages)."""

    resource = models.ForeignKey("hub.Resource", on_delete=models.CASCADE, related_name="uses")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="hub_resource_uses"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("how it was used"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "project"], name="hub_resource_use_once"),
        ]
        verbose_name = _("use in a project")
        verbose_name_plural = _("uses in projects")

    def __str__(self) -> str:
        return f"{self.resource_id} in {self.project_id}"


class Endorsement(models.Model):
    """Lab staff vouching for a resource, with a short statement."""

    resource = models.ForeignKey(
        "hub.Resource", on_delete=models.CASCADE, related_name="endorsements"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    statement = models.CharField(_("statement"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("endorsed"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "endorsed_by"], name="hub_endorsement_once"
            ),
        ]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")

    def __str__(self) -> str:
        return f"{self.endorsed_by_id} endorses {self.resource_id}"


class Rating(models.Model):
    """One person's rating of a resource, 1 to 5 stars; rating again replaces it."""

    resource = models.ForeignKey("hub.Resource", on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(_("stars"))
    created_at = models.DateTimeField(_("rated"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="hub_rating_once"),
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="hub_rating_stars_1_to_5"
            ),
        ]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.user_id} rates {self.resource_id}: {self.stars}"


class ResourceComment(models.Model):
    """A comment on a resource. Flags bring it to the curators; a hidden one keeps its place."""

    resource = models.ForeignKey("hub.Resource", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="hub_comments",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"), max_length=5000)
    # Kept with F() updates.
    flag_count = models.PositiveIntegerField(_("flags"), default=0)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("why it is hidden"), max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["resource", "created_at"], name="hub_comment_thread")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(hidden_at__isnull=True) & Q(hidden_reason=""))
                | (Q(hidden_at__isnull=False) & ~Q(hidden_reason="")),
                name="hub_comment_hidden_iff_reason",
            ),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ResourceCommentFlag(models.Model):
    """One person reporting a comment to the curators; at most once per person."""

    comment = models.ForeignKey(ResourceComment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="hub_comment_flag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} flagged {self.comment_id}"
