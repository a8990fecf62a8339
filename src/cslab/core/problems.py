"""Every problem code a caller may receive, with its HTTP status and meaning: the one table.

A `ProblemCode` names one precise problem (`invitation_expired`); its status places it in a
kind (409, a conflict), and the error class raised for it is the one of that kind
(`ConflictError`, see `cslab.core.errors`). Each protocol turns a domain error into HTTP in one
place, reading this table: `cslab.api.errors` (problem+json), `cslab.core.middleware` (HTML
pages) and `cslab.openrosa.views` (OpenRosa documents). `docs/errors.md` is generated from it
(`UPDATE_ERRORS_DOC=1 pytest tests/core/test_problems.py`).
"""

from enum import StrEnum
from http import HTTPStatus
from typing import Self

_BAD_REQUEST = HTTPStatus.BAD_REQUEST
_NOT_AUTHENTICATED = HTTPStatus.UNAUTHORIZED
_FORBIDDEN = HTTPStatus.FORBIDDEN
_NOT_FOUND = HTTPStatus.NOT_FOUND
_CONFLICT = HTTPStatus.CONFLICT
_TOO_LARGE = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
_UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY
_TOO_MANY_REQUESTS = HTTPStatus.TOO_MANY_REQUESTS
_SERVER_ERROR = HTTPStatus.INTERNAL_SERVER_ERROR


class ProblemCode(StrEnum):
    """A stable, machine-readable problem code; the member's value is what goes on the wire.

    Each member carries `status` (the HTTP status of its kind), a one-line `meaning`, and
    `openrosa_status` where the OpenRosa protocol answers differently.
    """

    status: HTTPStatus
    meaning: str
    openrosa_status: HTTPStatus | None

    def __new__(
        cls,
        value: str,
        status: HTTPStatus,
        meaning: str,
        openrosa_status: HTTPStatus | None = None,
    ) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.status = status
        member.meaning = meaning
        member.openrosa_status = openrosa_status
        return member

    # The general code of each kind, used when no more precise one applies.
    DOMAIN_ERROR = "domain_error", _BAD_REQUEST, "A failure with no more precise code."
    INVALID_INPUT = (
        "invalid_input",
        _BAD_REQUEST,
        "The input breaks a rule; `errors` may say which.",
    )
    NOT_AUTHENTICATED = (
        "not_authenticated",
        _NOT_AUTHENTICATED,
        "The action needs a signed-in user or an API token.",
    )
    PERMISSION_DENIED = (
        "permission_denied",
        _FORBIDDEN,
        "The user may see the object but not do this to it.",
    )
    NOT_FOUND = (
        "not_found",
        _NOT_FOUND,
        "No such object, or one the user may not see (never told apart).",
    )
    CONFLICT = "conflict", _CONFLICT, "The request clashes with what is stored."
    INVALID_TRANSITION = (
        "invalid_transition",
        _CONFLICT,
        "The object's lifecycle does not allow this status change.",
    )

    # Requests the API could not take as they came (raised by the web framework, not by services).
    VALIDATION_ERROR = (
        "validation_error",
        _UNPROCESSABLE,
        "The request does not match the expected shape; `errors` lists where.",
    )
    INVALID_REQUEST = (
        "invalid_request",
        _BAD_REQUEST,
        "Django refused the request before any view (a disallowed host, an unreadable body).",
    )
    INVALID_REQUEST_BODY = (
        "invalid_request_body",
        _BAD_REQUEST,
        "The request body could not be read (a broken multipart body, too many fields).",
    )
    PAYLOAD_TOO_LARGE = (
        "payload_too_large",
        _TOO_LARGE,
        "The request body is larger than the server accepts.",
    )
    VALUE_OUT_OF_RANGE = (
        "value_out_of_range",
        _BAD_REQUEST,
        "A number or text in the request is larger than the database can store.",
    )
    THROTTLED = (
        "throttled",
        _TOO_MANY_REQUESTS,
        "Too many requests; `Retry-After` says when to try again.",
    )
    HTTP_ERROR = (
        "http_error",
        _BAD_REQUEST,
        "The web framework refused the request; it may choose 403 (a failed CSRF check).",
    )
    INTERNAL_ERROR = (
        "internal_error",
        _SERVER_ERROR,
        "Something went wrong on the server; it has been logged.",
    )

    # Accounts, API tokens and sign-in.
    INVALID_TOKEN = "invalid_token", _NOT_AUTHENTICATED, "The API token is unknown or revoked."
    SESSION_REQUIRED = (
        "session_required",
        _FORBIDDEN,
        "An API token may not do this; sign in on the website.",
    )
    CSRF_FAILED = (
        "csrf_failed",
        _FORBIDDEN,
        "A session-authenticated write came without a valid CSRF token.",
    )
    USER_EXISTS = "user_exists", _CONFLICT, "A user with this e-mail address already exists."
    TOKEN_NAME_TAKEN = (
        "token_name_taken",
        _CONFLICT,
        "The user already has an active API token with this name.",
    )
    QUEUED_BY_SOMEONE_ELSE = (
        "queued_by_someone_else",
        _FORBIDDEN,
        "The queued item was saved on the device by another person.",
    )
    INVALID_CURSOR = (
        "invalid_cursor",
        _BAD_REQUEST,
        "The pagination cursor is not one this API gave out.",
    )
    UNKNOWN_JOB_KIND = (
        "unknown_job_kind",
        _BAD_REQUEST,
        "No background job of this kind is registered.",
    )
    BACKUP_FAILED = "backup_failed", _BAD_REQUEST, "A backup or restore could not be made."
    BACKUP_FILE_INVALID = (
        "backup_file_invalid",
        _BAD_REQUEST,
        "The file is not a backup this database can be restored from.",
    )

    # Projects, teams, invitations and mentoring.
    INVALID_AREA = "invalid_area", _BAD_REQUEST, "The area is not a valid geographic shape."
    NOT_AN_ORGANISATION_MEMBER = (
        "not_an_organisation_member",
        _BAD_REQUEST,
        "The user does not belong to the chosen organisation.",
    )
    CHECKLIST_INCOMPLETE = (
        "checklist_incomplete",
        _BAD_REQUEST,
        "The incubation checklist is not complete.",
    )
    PERSON_NOT_FOUND = (
        "person_not_found",
        _BAD_REQUEST,
        "No person matches the given e-mail address or name.",
    )
    ALREADY_MEMBER = "already_member", _CONFLICT, "The person is already on the team."
    LAST_OWNER = (
        "last_owner",
        _CONFLICT,
        "The team's last owner cannot leave or lose the owner role.",
    )
    INVITATION_REQUIRED = (
        "invitation_required",
        _FORBIDDEN,
        "People join this team by accepting an invitation.",
    )
    INVITATION_CLOSED = (
        "invitation_closed",
        _CONFLICT,
        "The invitation was already accepted or revoked.",
    )
    INVITATION_USED = "invitation_used", _CONFLICT, "The invitation has already been accepted."
    INVITATION_REVOKED = (
        "invitation_revoked",
        _CONFLICT,
        "The invitation was withdrawn by the team.",
    )
    INVITATION_EXPIRED = "invitation_expired", _CONFLICT, "The invitation has expired."
    INVITATION_UNUSABLE = "invitation_unusable", _CONFLICT, "The invitation can no longer be used."
    INVITATION_ADDRESS_UNCONFIRMED = (
        "invitation_address_unconfirmed",
        _FORBIDDEN,
        "The invited address is not yet confirmed on the account.",
    )
    INVITATION_FOR_ANOTHER_ADDRESS = (
        "invitation_for_another_address",
        _FORBIDDEN,
        "The invitation was sent to an address the account does not have.",
    )
    PROJECT_INVITE_ONLY = (
        "project_invite_only",
        _FORBIDDEN,
        "The team takes new people by invitation only.",
    )
    JOIN_REQUEST_PENDING = (
        "join_request_pending",
        _CONFLICT,
        "The user has already asked to join this team.",
    )
    JOIN_REQUEST_CLOSED = (
        "join_request_closed",
        _CONFLICT,
        "The join request was already answered or withdrawn.",
    )
    MENTORING_COMMUNITY_LED_ONLY = (
        "mentoring_community_led_only",
        _CONFLICT,
        "Only community-led projects can ask for a mentor.",
    )
    MENTOR_NOT_REQUESTED = (
        "mentor_not_requested",
        _CONFLICT,
        "The project has not asked for a mentor.",
    )
    MENTOR_ALREADY_REQUESTED = (
        "mentor_already_requested",
        _CONFLICT,
        "A mentor has already been requested for the project.",
    )
    MENTOR_ALREADY_MATCHED = (
        "mentor_already_matched",
        _CONFLICT,
        "The project already has a mentor.",
    )
    INVALID_CATALOGUE = (
        "invalid_catalogue",
        _BAD_REQUEST,
        "The file is not a readable PPSR Core catalogue.",
    )
    INVALID_ORIGIN = (
        "invalid_origin",
        _BAD_REQUEST,
        "The catalogue's origin is missing or longer than 200 characters.",
    )
    PREVIEW_NOT_FINISHED = (
        "preview_not_finished",
        _CONFLICT,
        "Only a finished import preview can be imported.",
    )
    PREVIEW_ALREADY_IMPORTED = (
        "preview_already_imported",
        _CONFLICT,
        "The import preview has been imported already.",
    )

    # Research questions and their comments.
    BOARD_CLOSED = (
        "board_closed",
        _BAD_REQUEST,
        "The project is archived and no longer takes questions.",
    )
    DUPLICATE_QUESTION = (
        "duplicate_question",
        _CONFLICT,
        "The user has already asked this question.",
    )
    QUESTION_MERGED = (
        "question_merged",
        _CONFLICT,
        "The question was merged into another; act on that one.",
    )
    PROJECT_ARCHIVED = (
        "project_archived",
        _BAD_REQUEST,
        "An archived project cannot take up a question.",
    )
    PROJECT_NOT_APPROVED = (
        "project_not_approved",
        _FORBIDDEN,
        "Only an approved project can take up a question from the Lab-wide board.",
    )
    MERGE_INTO_ITSELF = (
        "merge_into_itself",
        _BAD_REQUEST,
        "A question cannot be merged into itself.",
    )
    MERGE_TARGET_MERGED = (
        "merge_target_merged",
        _CONFLICT,
        "The merge target was itself merged into another question.",
    )
    UNKNOWN_ACTION = (
        "unknown_action",
        _BAD_REQUEST,
        "The bulk action is not one that can be chosen.",
    )
    INVALID_LINK = "invalid_link", _BAD_REQUEST, "The link is not a web address."
    REPLY_ELSEWHERE = (
        "reply_elsewhere",
        _BAD_REQUEST,
        "A reply must be to a comment on the same question.",
    )
    THREAD_TOO_DEEP = (
        "thread_too_deep",
        _BAD_REQUEST,
        "Replies nest no deeper than the thread allows.",
    )
    OWN_COMMENT = "own_comment", _BAD_REQUEST, "A person cannot flag their own comment."
    COMMENT_NOT_HIDDEN = "comment_not_hidden", _CONFLICT, "Only a hidden comment can be restored."

    # Collection: forms, observations, media, moderation.
    INVALID_XLSFORM = (
        "invalid_xlsform",
        _BAD_REQUEST,
        "The XLSForm has problems; `errors` lists them by sheet and row.",
    )
    DUPLICATE_FORM_VERSION = (
        "duplicate_form_version",
        _CONFLICT,
        "This version of the form is already published.",
    )
    INVALID_GEOPRIVACY = (
        "invalid_geoprivacy",
        _BAD_REQUEST,
        "The geoprivacy setting is not open, obscured or private (or not allowed here).",
    )
    INVALID_SENSITIVE_CATEGORY = (
        "invalid_sensitive_category",
        _BAD_REQUEST,
        "The sensitive answers are not a valid list of categories.",
    )
    INVALID_ANSWERS = (
        "invalid_answers",
        _BAD_REQUEST,
        "The answers break the form's or the workflow's rules; `errors` says which.",
    )
    INVALID_INSTANCE_ID = (
        "invalid_instance_id",
        _BAD_REQUEST,
        "The instance ID is missing or longer than 200 characters.",
    )
    INVALID_DEPRECATED_ID = (
        "invalid_deprecated_id",
        _BAD_REQUEST,
        "An edit names itself as the submission it replaces.",
    )
    UNKNOWN_DEPRECATED_ID = (
        "unknown_deprecated_id",
        _BAD_REQUEST,
        "The submission this one edits is unknown.",
    )
    UNKNOWN_VERSION = (
        "unknown_version",
        _BAD_REQUEST,
        "The form has no published version of this name (in a batch result).",
    )
    INSTANCE_CONFLICT = (
        "instance_conflict",
        _CONFLICT,
        "A different submission with this instance ID is already stored.",
    )
    INSTANCE_ERASED = (
        "instance_erased",
        _CONFLICT,
        "The submission was erased and cannot be submitted again.",
    )
    EDIT_NOT_PERMITTED = (
        "edit_not_permitted",
        _FORBIDDEN,
        "Only the submitter and the project's leads may edit the observation.",
    )
    BATCH_TOO_LARGE = (
        "batch_too_large",
        _BAD_REQUEST,
        "The batch holds more submissions than allowed.",
    )
    INVALID_FILTER = (
        "invalid_filter",
        _BAD_REQUEST,
        "Some list filters are not valid; `errors` says which.",
    )
    REASON_REQUIRED = "reason_required", _BAD_REQUEST, "The moderation action needs a reason."
    REASON_TOO_LONG = "reason_too_long", _BAD_REQUEST, "The reason is longer than allowed."
    ALREADY_FLAGGED = "already_flagged", _CONFLICT, "The user has already flagged this observation."
    INVALID_STATUS = (
        "invalid_status",
        _BAD_REQUEST,
        "The moderation status is not one that can be chosen.",
    )
    TOO_MANY_MEDIA = (
        "too_many_media",
        _BAD_REQUEST,
        "The observation already has the most files allowed.",
    )
    MEDIA_REFUSED = (
        "media_refused",
        _BAD_REQUEST,
        "The file's content is of a type that is not accepted.",
    )
    MEDIA_TOO_LARGE = (
        "media_too_large",
        _BAD_REQUEST,
        "The file is over the size limit of its kind; OpenRosa answers 413.",
        _TOO_LARGE,
    )
    INVALID_MEDIA_NAME = (
        "invalid_media_name",
        _BAD_REQUEST,
        "The file name is not a plain name of at most 255 characters.",
    )
    MEDIA_CONFLICT = (
        "media_conflict",
        _CONFLICT,
        "Other bytes are already attached under this file name.",
    )

    # OpenRosa: devices, app users and submissions.
    INVALID_SUBMISSION = (
        "invalid_submission",
        _BAD_REQUEST,
        "The submission is not a readable form instance.",
    )
    SUBMISSION_TOO_LARGE = (
        "submission_too_large",
        _TOO_LARGE,
        "The submission is larger than the server accepts.",
    )
    UNKNOWN_FORM = (
        "unknown_form",
        _BAD_REQUEST,
        "The project has no published form of this ID and version.",
    )
    INVALID_APP_USER = "invalid_app_user", _BAD_REQUEST, "The app user needs a name."
    APP_USER_REVOKED = "app_user_revoked", _CONFLICT, "The app user was already revoked."
    DEVICE_PASSWORD_NAME_TAKEN = (
        "device_password_name_taken",
        _CONFLICT,
        "The user already has a device password with this name.",
    )

    # Classification: subject sets, workflows, classifications, talk.
    INVALID_SUBJECT_SET = "invalid_subject_set", _BAD_REQUEST, "The subject set needs a name."
    INVALID_ARCHIVE = "invalid_archive", _BAD_REQUEST, "The file is not a readable zip archive."
    ARCHIVE_TOO_LARGE = (
        "archive_too_large",
        _BAD_REQUEST,
        "The archive is past its limits (files, a file's size, the total).",
    )
    INVALID_MANIFEST = (
        "invalid_manifest",
        _BAD_REQUEST,
        "The archive's manifest.csv is missing, unreadable or empty.",
    )
    INVALID_MANIFEST_ROWS = (
        "invalid_manifest_rows",
        _BAD_REQUEST,
        "Rows of manifest.csv are wrong; `errors` lists them.",
    )
    INVALID_WORKFLOW = "invalid_workflow", _BAD_REQUEST, "The workflow's settings are not valid."
    INVALID_TASKS = "invalid_tasks", _BAD_REQUEST, "The workflow's tasks are not well formed."
    WORKFLOW_HAS_CLASSIFICATIONS = (
        "workflow_has_classifications",
        _CONFLICT,
        "A workflow's tasks cannot change once volunteers have classified.",
    )
    ALREADY_CLASSIFIED = (
        "already_classified",
        _CONFLICT,
        "The volunteer has already classified this subject.",
    )
    UNDO_TOO_LATE = "undo_too_late", _CONFLICT, "It is too late to undo this classification."
    DECIDED = "decided", _CONFLICT, "An expert has already decided this subject."
    EMPTY_COMMENT = "empty_comment", _BAD_REQUEST, "The comment is empty."
    TOO_LONG = "too_long", _BAD_REQUEST, "The comment is longer than allowed."

    # Consensus.
    INVALID_METHOD = (
        "invalid_method",
        _BAD_REQUEST,
        "The aggregation method cannot aggregate this task.",
    )
    INVALID_CONSENSUS_SETTINGS = (
        "invalid_consensus_settings",
        _BAD_REQUEST,
        "The consensus settings are not valid.",
    )
    NOTHING_TO_AGGREGATE = (
        "nothing_to_aggregate",
        _CONFLICT,
        "The workflow has no task that can be aggregated.",
    )
    INVALID_LIST = (
        "invalid_list",
        _BAD_REQUEST,
        "The consensus list asked for is not one of those offered.",
    )

    # Knowledge hub: following searches (issue 12, subscriptions).
    EMPTY_SEARCH = (
        "empty_search",
        _BAD_REQUEST,
        "A search without words or facets cannot be followed.",
    )
    TOO_MANY_SUBSCRIPTIONS = (
        "too_many_subscriptions",
        _BAD_REQUEST,
        "The person already follows the most searches allowed.",
    )
    # Knowledge hub: resources.
    RESOURCE_NOT_EDITABLE = (
        "resource_not_editable",
        _CONFLICT,
        "The resource's status does not allow editing it now (e.g. it is with the curators).",
    )
    # issue 13, certificates part
    TRAINING_REQUIRED = (
        "training_required",
        _CONFLICT,
        "The project asks that the person complete training modules before taking this role.",
    )
    # issue 13, after part
    CHECK_IN_CODE_WRONG = (
        "check_in_code_wrong",
        _BAD_REQUEST,
        "The event's check-in code is not the one given.",
    )
    CHECK_IN_TOO_MANY_TRIES = (
        "check_in_too_many_tries",
        _BAD_REQUEST,
        "Too many wrong check-in codes for this event; ask an organiser to mark you present.",
    )
    CHECK_IN_CLOSED = (
        "check_in_closed",
        _BAD_REQUEST,
        "Check-in opens 30 minutes before a session starts and closes when it ends.",
    )
    FEEDBACK_NOT_OPEN = (
        "feedback_not_open",
        _BAD_REQUEST,
        "Feedback on an event opens when its first session starts.",
    )
    FEEDBACK_ALREADY_GIVEN = (
        "feedback_already_given",
        _CONFLICT,
        "The person has already given feedback on this event.",
    )
    NOT_ATTENDED = (
        "not_attended",
        _FORBIDDEN,
        "Only people who attended the event may do this.",
    )
    # issue 13, training part
    PREREQUISITE_CYCLE = (
        "prerequisite_cycle",
        _BAD_REQUEST,
        "The lesson prerequisites asked for would form a cycle (or cross modules).",
    )
    INVALID_QUIZ = (
        "invalid_quiz",
        _BAD_REQUEST,
        "A quiz question needs its right answers marked (one for a one-answer question).",
    )
    LESSON_LOCKED = (
        "lesson_locked",
        _CONFLICT,
        "A lesson this one requires is not finished yet.",
    )
    QUIZ_NOT_PASSED = (
        "quiz_not_passed",
        _CONFLICT,
        "A lesson with a quiz is finished only by passing the quiz.",
    )
    MODULE_NOT_OPEN = (
        "module_not_open",
        _CONFLICT,
        "Progress is saved only in a published training module.",
    )
    # issue 13, pages part
    EVENT_CANCELLED = (
        "event_cancelled",
        _CONFLICT,
        "The event is cancelled: it can no longer be changed or cancelled again.",
    )
    EVENT_NOT_DRAFT = "event_not_draft", _CONFLICT, "Only a draft event can be published."
    CAPACITY_BELOW_REGISTERED = (
        "capacity_below_registered",
        _BAD_REQUEST,
        "The number of places cannot drop below the people already registered.",
    )
    TOO_MANY_ITEMS = (
        "too_many_items",
        _BAD_REQUEST,
        "Too many items in one list (sessions, organisers and speakers, links).",
    )
    # issue 13, registration part
    REGISTRATION_CLOSED = (
        "registration_closed",
        _CONFLICT,
        "The event takes no registrations (not published, cancelled, or registration closed).",
    )
    ALREADY_REGISTERED = (
        "already_registered",
        _CONFLICT,
        "The person is already registered or on the waiting list for this event.",
    )
    REGISTRATION_ALREADY_CANCELLED = (
        "registration_already_cancelled",
        _CONFLICT,
        "The registration has already been cancelled.",
    )
    # issue 14, erasure part
    ERASURE_PASSWORD_WRONG = (
        "erasure_password_wrong",
        _FORBIDDEN,
        "Erasing an account needs the account's password, and the one given is not right.",
    )
    ERASURE_DELETION_NOT_ALLOWED = (
        "erasure_deletion_not_allowed",
        _BAD_REQUEST,
        "The project's consent text allows keeping contributions anonymised only, not deleting.",
    )
    ACCOUNT_ALREADY_ERASED = (
        "account_already_erased",
        _CONFLICT,
        "The account has been erased already.",
    )
    MEDIA_REMOVAL_ALREADY_DECIDED = (
        "media_removal_already_decided",
        _CONFLICT,
        "The request to remove the photo has been decided already.",
    )
    # issue 14, notify part
    UNSUBSCRIBE_LINK_INVALID = (
        "unsubscribe_link_invalid",
        _BAD_REQUEST,
        "The unsubscribe link is damaged or forged; choose on the notification preferences page.",
    )
    NOTIFICATION_CATEGORY_UNKNOWN = (
        "notification_category_unknown",
        _BAD_REQUEST,
        "No notification category has this name.",
    )

    # issue 14, mycslab part
    INVALID_PSEUDONYM = (
        "invalid_pseudonym",
        _BAD_REQUEST,
        "A pseudonym must be 2 to 100 characters and may not be or look like an e-mail address.",
    )
    CREDIT_PROJECT_NOT_MINE = (
        "credit_project_not_mine",
        _BAD_REQUEST,
        "A per-project credit choice is only for projects one contributed to or is a member of.",
    )
    INVALID_DOI = (
        "invalid_doi",
        _BAD_REQUEST,
        "A DOI must look like 10.1234/something (with or without https://doi.org/).",
    )
    OUTPUT_DOI_TAKEN = (
        "output_doi_taken",
        _CONFLICT,
        "Another output already has this DOI: link that output to the project instead.",
    )
    # issue 14, consent part
    CONSENT_REQUIRED = (
        "consent_required",
        _CONFLICT,
        "The project asks for consent to its current consent version before a contribution; "
        "`errors` holds `consent_url` and `version`.",
    )
    CONSENT_VERSION_NOT_IN_FORCE = (
        "consent_version_not_in_force",
        _CONFLICT,
        "The consent was given to a version that is not the one in force (the text was old).",
    )
    CONSENT_VERSION_PUBLISHED = (
        "consent_version_published",
        _CONFLICT,
        "A published consent version never changes: start a new version instead.",
    )
    CONSENT_NOT_GIVEN = (
        "consent_not_given",
        _CONFLICT,
        "There is no current consent to withdraw or change.",
    )
    CONSENT_ALREADY_GIVEN = (
        "consent_already_given",
        _CONFLICT,
        "A different consent to this version was recorded at the same moment.",
    )
    CONSENT_AGE_GATE = (
        "consent_age_gate",
        _BAD_REQUEST,
        "Confirm the minimum age, or that a parent or guardian agrees (with their name).",
    )
    CONSENT_WITHDRAWAL_CHOICE = (
        "consent_withdrawal_choice",
        _BAD_REQUEST,
        "The consent version does not offer this choice on withdrawal.",
    )
    # issue 14, export part
    GONE = (
        "gone",
        HTTPStatus.GONE,
        "What the link pointed at is gone for good (an expired download link).",
    )
    PERSONAL_DATA_EXPORT_EXPIRED = (
        "personal_data_export_expired",
        HTTPStatus.GONE,
        "The personal-data export's download link has expired (after 7 days); start a new one.",
    )
    PERSONAL_DATA_EXPORTS_LIMIT_REACHED = (
        "personal_data_exports_limit_reached",
        _TOO_MANY_REQUESTS,
        "Three personal-data exports were started in the last 24 hours; try again later.",
    )
    # issue 16, Darwin Core Archive import
    INVALID_DARWIN_CORE_ARCHIVE = (
        "invalid_darwin_core_archive",
        _BAD_REQUEST,
        "The zip is not a Darwin Core Archive with an occurrence core that can be read "
        "(no meta.xml, another core, a descriptor or core file that does not parse).",
    )


def problems_markdown() -> str:
    """Render the table as `docs/errors.md` (a test keeps the committed file equal to this)."""
    lines = [
        "# Problem codes",
        "",
        "Every error the API, the HTML pages and the OpenRosa server answer carries one of",
        "these codes. Generated from `cslab.core.problems.ProblemCode`, the one table: do not",
        "edit by hand; after changing the enum run",
        "`UPDATE_ERRORS_DOC=1 pytest tests/core/test_problems.py`.",
        "",
        "The API answers RFC 9457 problem+json",
        '`{"type": "urn:cslab:problem:<code>", "title", "status", "detail", "code", "instance",',
        '"errors"?}` with the status below; HTML pages answer 404 and 403 with their pages and 401',
        "with the log-in redirect; OpenRosa answers an OpenRosaResponse document with the OpenRosa",
        "status (the same unless it is given). Codes of one status are raised with one error class",
        "of `cslab.core.errors` (400 `InvalidInputError`, 401 `NotAuthenticatedError`,",
        "403 `PermissionDeniedError`, 404 `NotFoundError`, 409 `ConflictError`,",
        "413 `PayloadTooLargeError`); 422, 429 and 500 come from the web framework only.",
        "",
        "| code | status | OpenRosa status | meaning |",
        "|---|---|---|---|",
    ]
    for code in sorted(ProblemCode, key=lambda member: (member.status, member.value)):
        openrosa = code.openrosa_status or code.status
        lines.append(
            f"| `{code.value}` | {code.status.value} | {openrosa.value} | {code.meaning} |"
        )
    return "\n".join(lines) + "\n"
