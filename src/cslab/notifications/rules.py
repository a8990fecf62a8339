"""Permission rules of the notifications area."""

from cslab.core.permissions import Rule, register

register(
    "notification.manage",
    Rule(owner_attribute="recipient_id", description="Read or mark one of my notifications"),
)
