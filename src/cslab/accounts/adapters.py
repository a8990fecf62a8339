"""django-allauth hooks: e-mails through the task backend, and its changes in the audit log.

allauth writes users, addresses and passwords itself; these hooks are where those writes
happen, so they record the audit events our own services record for theirs.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language

from cslab.accounts.language import remember_language
from cslab.accounts.models import User
from cslab.accounts.throttling import account_attempt_reserve, failure_key
from cslab.core.services.audit import audit_record
from cslab.core.site import site_absolute_url, site_from_settings
from cslab.core.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render the message now (in the visitor's language) and send it from a worker.

        Its links (confirm, reset, sign up) and the site it names come from SITE_URL and
        SITE_NAME, not from the host the request happened to reach.
        """
        from allauth.core import context as allauth_context

        request = allauth_context.request
        links = {
            key: site_absolute_url(value)
            for key, value in context.items()
            if key.endswith("_url") and isinstance(value, str) and value
        }
        context = {
            "request": request,
            "email": email,
            **context,
            **links,
            "current_site": site_from_settings(),
        }
        message = self.render_mail(template_prefix, email, context)
        html_body = None
        for body, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html_body = body
        transaction.on_commit(
            lambda: send_email.enqueue(
                subject=message.subject,
                body=message.body,
                to=list(message.to),
                from_email=message.from_email,
                html_body=html_body,
            )
        )

    def format_email_subject(self, subject: str) -> str:
        """Every subject starts with the site's name, read when the message is written."""
        return f"[{settings.SITE_NAME}] {' '.join(str(subject).split())}"

    def save_user(self, request: Any, user: User, form: Any, commit: bool = True) -> Any:
        user.preferred_language = (get_language() or settings.LANGUAGE_CODE)[:2]
        saved = super().save_user(request, user, form, commit)
        if commit:
            audit_record(actor=saved, action="user.signed_up", target=saved)
        return saved

    def post_login(self, request: Any, user: User, **kwargs: Any) -> Any:
        """Answer in the language the person chose in their profile from log-in on."""
        response = super().post_login(request, user, **kwargs)
        if getattr(user, "preferred_language", ""):
            remember_language(response, user.preferred_language)
        return response

    def confirm_email(self, request: Any, email_address: Any) -> bool:
        confirmed = bool(super().confirm_email(request, email_address))
        if confirmed:
            audit_record(
                actor=email_address.user,
                action="email.confirmed",
                target=email_address.user,
                details={"email": email_address.email},
            )
        return confirmed

    def _get_login_attempts_cache_key(self, request: Any, **credentials: Any) -> str:
        """Count failed log-ins per account and client address (see `throttling`), so that
        a stranger's wrong passwords elsewhere cannot lock the person out."""
        login = credentials.get("email", credentials.get("username", ""))
        return failure_key(login=str(login or ""), request=request)

    def pre_authenticate(self, request: Any, **credentials: Any) -> None:
        """Refuse before checking the password past the account's hourly ceiling over all
        addresses (`throttling.account_attempt_reserve`), besides allauth's per-address limit."""
        super().pre_authenticate(request, **credentials)
        login = credentials.get("email", credentials.get("username", ""))
        self._account_usage = account_attempt_reserve(login=str(login or ""), request=request)
        if self._account_usage is None:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")

    def _rollback_login_failed_rl_usage(self) -> None:
        # Called on success: neither the per-address nor the per-account count keeps it.
        super()._rollback_login_failed_rl_usage()
        usage = getattr(self, "_account_usage", None)
        if usage:
            usage.rollback()
            self._account_usage = None

    def set_password(self, user: User, password: str) -> None:
        with transaction.atomic():
            super().set_password(user, password)
            audit_record(actor=user, action="user.password_changed", target=user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: Any, sociallogin: Any) -> bool:
        return bool(settings.OIDC_ENABLED)
