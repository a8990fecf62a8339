"""The consent API: read a project's consent text, consent (channel `api`), withdraw, and list
one's own consents. A private project answers 404 to whoever may not see it."""

from typing import Any

from ninja import Router, Status
from ninja.pagination import paginate

from cslab.api.auth import ANYONE, SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.consent.schemas import (
    ConsentIn,
    ConsentRecordOut,
    ConsentWithdrawIn,
    ProjectConsentOut,
)
from cslab.consent.selectors import consent_list_mine, project_consent_state
from cslab.consent.services.consent import consent_give, consent_withdraw
from cslab.consent.vocabulary import ConsentChannel
from cslab.projects.selectors import project_get_for_viewing

router = Router(tags=["consent"])


@router.get(
    "/projects/{slug}/consent",
    response=ProjectConsentOut,
    auth=ANYONE,
    summary="The project's consent version in force and, signed in, your current consent",
)
def get_project_consent(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return project_consent_state(user=request.auth, project=project)


@router.post(
    "/projects/{slug}/consent",
    response={200: ConsentRecordOut, 201: ConsentRecordOut},
    auth=SIGNED_IN,
    summary="Consent to the version in force (201; 200 when that consent was already given)",
)
def give_project_consent(request: ApiRequest, slug: str, payload: ConsentIn) -> Any:
    """409 `consent_version_not_in_force` when `version` is not the version in force (read the
    text again); 400 `consent_age_gate` when the version's age gate is not answered."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    before = project_consent_state(user=request.auth, project=project).mine
    record = consent_give(
        actor=request.auth,
        project=project,
        version_number=payload.version,
        language=payload.language,
        channel=ConsentChannel.API,
        meta_research=payload.meta_research,
        contact=payload.contact,
        age_confirmed=payload.age_confirmed,
        is_minor=payload.is_minor,
        guardian_consent=payload.guardian_consent,
        guardian_name=payload.guardian_name,
    )
    return Status(200 if before is not None and before.pk == record.pk else 201, record)


@router.post(
    "/projects/{slug}/consent/withdraw",
    response=ConsentRecordOut,
    auth=SIGNED_IN,
    summary="Withdraw your consent; your contributions are anonymised or deleted as you choose",
)
def withdraw_project_consent(request: ApiRequest, slug: str, payload: ConsentWithdrawIn) -> Any:
    """409 `consent_not_given` without a current consent; 400 `consent_withdrawal_choice` when
    the project's consent text does not offer the choice."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return consent_withdraw(actor=request.auth, project=project, choice=payload.choice)


@router.get(
    "/me/consents",
    response=list[ConsentRecordOut],
    auth=SIGNED_IN,
    summary="Your consent records, newest first, with the exact text you were shown",
)
@paginate(CursorPagination)
def list_my_consents(request: ApiRequest) -> Any:
    return consent_list_mine(user=request.auth)
