from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor
from cslab.core.roles import ProjectRole

# Replies nest at most this deep (0 is a comment on the question itself), so threads stay
# readable on a phone.
MAX_DEPTH = 2


class Comment(models.Model):
    """A comment in a question's discussion; a reply has a parent in the same question.

    A hidden comment keeps its place in the thread (replies still make sense) but its text is
    shown only to moderators; the reason is public.
    """

    question = models.ForeignKey(
        "questions.Question", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="question_comments",
        verbose_name=_("author"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("comment"), max_length=5000)
    # Kept with F() updates by `comment_flag`.
    flag_count = models.PositiveIntegerField(_("flags"), default=0)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("why it is hidden"), max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["question", "created_at"], name="comment_thread")]
        constraints = [
            models.CheckConstraint(condition=Q(depth__lte=MAX_DEPTH), name="comment_depth_limit"),
            models.CheckConstraint(
                condition=(Q(depth=0) & Q(parent__isnull=True))
                | (Q(depth__gt=0) & Q(parent__isnull=False)),
                name="comment_depth_matches_parent",
            ),
            models.CheckConstraint(
                condition=(Q(hidden_at__isnull=True) & Q(hidden_reason=""))
                | (Q(hidden_at__isnull=False) & ~Q(hidden_reason="")),
                name="comment_hidden_iff_reason",
            ),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def takes_replies(self) -> bool:
        return self.depth < MAX_DEPTH

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        """Return the user's role in the team of the question's board, for moderation rules."""
        role: ProjectRole | None = self.question.project_role_for(user)
        return role


class CommentFlag(models.Model):
    """One person reporting a comment to the moderators; at most one per person per comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_flag_once"),
        ]
        verbose_name = _("comment flag")
        verbose_name_plural = _("comment flags")

    def __str__(self) -> str:
        return f"{self.user_id} flagged {self.comment_id}"
