"""Domain errors raised by services and selectors: one class per problem kind.

Each error carries a `ProblemCode` from `cslab.core.problems`, the one table of codes, their
HTTP statuses and meanings; the class is the one whose `status` is the code's status (a test
holds every raise site to that). Only the protocol edges (`cslab.api.errors`,
`cslab.core.middleware`, `cslab.openrosa.views`) turn them into HTTP.
"""

from http import HTTPStatus
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from cslab.core.problems import ProblemCode


class DomainError(Exception):
    """A failure a caller can act on, with a stable machine-readable code."""

    code: ProblemCode = ProblemCode.DOMAIN_ERROR
    status: ClassVar[HTTPStatus] = HTTPStatus.BAD_REQUEST

    def __init__(
        self, message: str, *, code: ProblemCode | None = None, details: Any = None
    ) -> None:
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

    code = ProblemCode.NOT_FOUND
    status = HTTPStatus.NOT_FOUND

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(message or _("Not found."), **kwargs)


class PermissionDeniedError(DomainError):
    """The user may see the object but not do this to it."""

    code = ProblemCode.PERMISSION_DENIED
    status = HTTPStatus.FORBIDDEN


class NotAuthenticatedError(DomainError):
    """The action needs a signed-in user."""

    code = ProblemCode.NOT_AUTHENTICATED
    status = HTTPStatus.UNAUTHORIZED

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(message or _("Log in to do this."), **kwargs)


class InvalidInputError(DomainError):
    """The input breaks a rule; `details` may map field names to messages."""

    code = ProblemCode.INVALID_INPUT
    status = HTTPStatus.BAD_REQUEST


class PayloadTooLargeError(InvalidInputError):
    """The request is larger than the server accepts (still invalid input to any caller that
    catches `InvalidInputError`)."""

    code = ProblemCode.PAYLOAD_TOO_LARGE
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class ConflictError(DomainError):
    """The request clashes with what is stored (a duplicate, a stale state)."""

    code = ProblemCode.CONFLICT
    status = HTTPStatus.CONFLICT


class InvalidTransitionError(ConflictError):
    """A status change that the object's lifecycle does not allow."""

    code = ProblemCode.INVALID_TRANSITION


# issue 14, export part


class GoneError(DomainError):
    """What was asked for existed but is gone for good (an expired download link)."""

    code = ProblemCode.GONE
    status = HTTPStatus.GONE


class TooManyRequestsError(DomainError):
    """The person asked for this too often in a while; `details` may say when to try again."""

    code = ProblemCode.THROTTLED
    status = HTTPStatus.TOO_MANY_REQUESTS
