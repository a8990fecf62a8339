"""API route of erasure: `POST /api/v1/me/erase` (GDPR Art. 17)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from cslab.api.auth import SIGNED_IN, ApiRequest
from cslab.privacy.models import Erasure
from cslab.privacy.services.erasure import account_erase, account_erase_check_password

router = Router(tags=["privacy"], auth=SIGNED_IN)


class AccountEraseIn(Schema):
    password: str = Field(
        ...,
        max_length=1000,
        description="The account's password: an API token alone cannot erase an account.",
    )
    delete_contributions: StrictBool = Field(
        False,
        description="Delete the contributions instead of keeping them under a pseudonym "
        "(where each project's consent text allows it).",
    )


@router.post(
    "/me/erase",
    response={204: None},
    summary="Erase my account",
    description="Removes the signed-in person's personal data; their contributions stay under a "
    "pseudonym or are deleted. Needs the password (403 `erasure_password_wrong`). Cannot be "
    "undone.",
)
def erase_me(request: ApiRequest, payload: AccountEraseIn) -> Any:
    account_erase_check_password(user=request.auth, password=payload.password)
    account_erase(
        actor=request.auth,
        user=request.auth,
        delete_contributions=payload.delete_contributions,
        requested_through=Erasure.RequestedThrough.WEB,
    )
    return Status(204, None)
