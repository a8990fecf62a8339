"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

The account row itself is scrubbed by `privacy.services.erasure` once every eraser has run
(they still need the person's name and address to find it in text). Here: the ways to sign in
(e-mail addresses, single sign-on links, API tokens, sessions) and the admin's log.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from cslab.accounts.models import ApiToken
from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.core.redaction import identity_needles, redact_queryset
from cslab.core.sessions import sessions_of_user_delete


@register_eraser("accounts")
def erase_sign_in(scope: ErasureScope) -> int:
    if scope.project is not None:
        return 0  # a withdrawal from one project leaves the account as it is
    user = scope.user
    needles = identity_needles(email=user.email, display_name=user.display_name)
    removed = EmailAddress.objects.filter(user=user).delete()[0]
    removed += SocialAccount.objects.filter(user=user).delete()[0]
    removed += ApiToken.objects.filter(user=user).delete()[0]
    removed += sessions_of_user_delete(user_id=user.pk, now=timezone.now())
    # The admin's own log names objects by their str(), which for a user is the address.
    removed += redact_queryset(LogEntry.objects.all(), ["object_repr", "change_message"], needles)
    return int(removed)
