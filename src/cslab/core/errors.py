"""Domain errors raised by services and selectors; only `cslab.api.errors` knows HTTP."""

from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A failure a caller can act on, with a stable machine-readable code."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def one_line(self) -> str:
        """Return the message with per-field details, for command-line output."""
        if not isinstance(self.details, dict) or not self.details:
            return self.message
        parts = []
        for name, messages in self.details.items():
            text = " ".join(map(str, messages)) if isinstance(messages, list) else str(messages)
            parts.append(f"{name}: {text}")
        fields = "; ".join(parts)
        return f"{self.message} ({fields})"


class NotFoundError(DomainError):
    """The object does not exist or the user may not see it (the two are never told apart)."""

    code = "not_found"

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(message or _("Not found."), **kwargs)


class PermissionDeniedError(DomainError):
    """The user may see the object but not do this to it."""

    code = "permission_denied"


class NotAuthenticatedError(DomainError):
    """The action needs a signed-in user."""

    code = "not_authenticated"

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(message or _("Sign in to do this."), **kwargs)


class InvalidInputError(DomainError):
    """The input breaks a rule; `details` may map field names to messages."""

    code = "invalid_input"


class ConflictError(DomainError):
    """The request clashes with what is stored (a duplicate, a stale state)."""

    code = "conflict"


class InvalidTransitionError(ConflictError):
    """A status change that the object's lifecycle does not allow."""

    code = "invalid_transition"
