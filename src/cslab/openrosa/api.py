"""API routes of the OpenRosa area: my device passwords for ODK Collect.

Browser session only: a device password is a credential, and an API token (which a script
holds) must not be able to mint credentials of another kind.
"""

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema, Status

from cslab.api.auth import ApiRequest, session_auth
from cslab.openrosa import selectors
from cslab.openrosa.services.device_passwords import device_password_create, device_password_revoke

router = Router(tags=["openrosa"], auth=[session_auth])


class DevicePasswordOut(Schema):
    id: int
    name: str
    username: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class DevicePasswordCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class DevicePasswordCreatedOut(DevicePasswordOut):
    password: str = Field(
        ..., description="The device password itself. It is shown only this once."
    )


@router.get("/me/device-passwords", response=list[DevicePasswordOut], summary="My device passwords")
def list_device_passwords(request: ApiRequest) -> Any:
    return selectors.device_password_list_for_user(user=request.auth)


@router.post(
    "/me/device-passwords",
    response={201: DevicePasswordCreatedOut},
    summary="Create a device password for ODK Collect",
)
def create_device_password(request: ApiRequest, payload: DevicePasswordCreateIn) -> Any:
    device_password, secret = device_password_create(actor=request.auth, name=payload.name)
    device_password.password = secret  # type: ignore[attr-defined]
    return Status(201, device_password)


@router.delete(
    "/me/device-passwords/{device_password_id}",
    response={204: None},
    summary="Revoke a device password",
)
def revoke_device_password(request: ApiRequest, device_password_id: int) -> Any:
    device_password = selectors.device_password_get_for_managing(
        user=request.auth, device_password_id=device_password_id
    )
    device_password_revoke(actor=request.auth, device_password=device_password)
    return Status(204, None)
