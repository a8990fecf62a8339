from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedbackRequest(models.Model):
    """That the "How was it?" e-mail went to one attendee: the unique registration makes a
    rerun of the feedback-request job send nobody a second one."""

    registration = models.OneToOneField(
        "events.Registration", on_delete=models.CASCADE, related_name="feedback_request"
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.sent_at:%Y-%m-%d}"
