from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    """A person following a hub search or facet; the weekly digest sends what is new in it.

    `query` is the search's URL query string in a normal form (keys sorted, page and sort
    dropped), so following the same search twice is one row. `token` makes the one-click
    unsubscribe link in every digest work without signing in.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_subscriptions"
    )
    query = models.CharField(_("search"), max_length=1000)
    label = models.CharField(_("name"), max_length=300)
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("followed since"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="hub_subscription_once"),
        ]
        verbose_name = _("followed search")
        verbose_name_plural = _("followed searches")

    def __str__(self) -> str:
        return self.label


class DigestDelivery(models.Model):
    """One weekly digest sent to one person: the constraint makes a rerun of the job send none
    twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(_("week starting"))
    item_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="hub_digest_once_a_week"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week_start}"
