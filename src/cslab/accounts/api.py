"""API routes of the accounts area: my profile and my API tokens."""

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema, Status

from cslab.accounts import selectors
from cslab.accounts.services.api_tokens import api_token_create, api_token_revoke
from cslab.accounts.services.users import profile_update
from cslab.api.auth import ANYONE, SESSION_ONLY, SIGNED_IN, ApiRequest

router = Router(tags=["accounts"], auth=SIGNED_IN)


class ProfileOut(Schema):
    id: int
    email: str
    display_name: str
    preferred_language: str
    bio: str
    profile_public: bool
    site_role: str


class PublicProfileOut(Schema):
    id: int
    display_name: str = Field(..., alias="public_name")
    bio: str


class ProfileUpdateIn(Schema):
    display_name: str | None = Field(None, max_length=100)
    preferred_language: str | None = None
    bio: str | None = Field(None, max_length=1000)
    profile_public: bool | None = None


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class ApiTokenCreatedOut(ApiTokenOut):
    token: str = Field(..., description="The token itself. It is shown only this once.")


@router.get("/me", response=ProfileOut, summary="My profile")
def get_me(request: ApiRequest) -> Any:
    return request.auth


@router.patch("/me", response=ProfileOut, summary="Change my profile")
def update_me(request: ApiRequest, payload: ProfileUpdateIn) -> Any:
    changes = payload.dict(exclude_none=True)
    return profile_update(actor=request.auth, user=request.auth, **changes)


@router.get("/users/{user_id}", response=PublicProfileOut, auth=ANYONE, summary="A public profile")
def get_profile(request: ApiRequest, user_id: int) -> Any:
    return selectors.profile_get_for_viewing(user=request.auth, user_id=user_id)


@router.get("/me/tokens", response=list[ApiTokenOut], summary="My API tokens")
def list_tokens(request: ApiRequest) -> Any:
    return selectors.api_token_list_for_user(user=request.auth)


@router.post(
    "/me/tokens",
    response={201: ApiTokenCreatedOut},
    auth=SESSION_ONLY,
    summary="Create an API token",
    description="Only from a signed-in browser session: an API token cannot create tokens.",
)
def create_token(request: ApiRequest, payload: ApiTokenCreateIn) -> Any:
    token, secret = api_token_create(actor=request.auth, user=request.auth, name=payload.name)
    token.token = secret  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(request: ApiRequest, token_id: int) -> Any:
    token = selectors.api_token_get_for_managing(user=request.auth, token_id=token_id)
    api_token_revoke(actor=request.auth, token=token)
    return Status(204, None)
