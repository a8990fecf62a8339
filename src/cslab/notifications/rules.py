"""Permission rules of the notifications area."""

from cslab.core.permissions import Rule, register

register(
    "notification.manage",
    Rule(owner_attribute="recipient_id", description="Read or mark one of my notifications"),
)

register(
    "notification.preference.manage",
    Rule(
        any_signed_in=True,
        hidden=False,
        description="Choose how my notifications reach me (in the app, by e-mail)",
    ),
)
