"""API schemas of consent: the version in force, a person's record, giving and withdrawing."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool


class ConsentVersionOut(Schema):
    number: int
    text_en: str
    text_nl: str
    ethics_approval_reference: str
    data_licence: str
    withdrawal_options: str
    minimum_age: int | None
    asks_meta_research: bool
    asks_contact: bool
    text_sha256: str
    published_at: datetime | None


class ConsentRecordOut(Schema):
    id: int
    project: str = Field(..., alias="project.slug")
    version: int = Field(..., alias="version.number")
    channel: str
    language: str
    text_shown: str
    text_sha256: str
    meta_research: bool
    contact: bool
    is_minor: bool
    guardian_consent: bool
    granted_at: datetime
    superseded_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_choice: str
    is_current: bool


class ProjectConsentOut(Schema):
    """The version in force (null when the project asks for no consent) and, for a signed-in
    caller, their current record (null when none)."""

    version: ConsentVersionOut | None
    mine: ConsentRecordOut | None
    consented_to_version_in_force: bool
    consent_url: str


class ConsentIn(Schema):
    version: int = Field(..., ge=1, description="The number of the version whose text you read")
    language: Literal["en", "nl"] = "en"
    meta_research: StrictBool = False
    contact: StrictBool = False
    age_confirmed: StrictBool = Field(
        False, description="The person is at least the version's minimum age"
    )
    is_minor: StrictBool = Field(False, description="Younger than the minimum age")
    guardian_consent: StrictBool = False
    guardian_name: str = Field("", max_length=200)


class ConsentWithdrawIn(Schema):
    choice: Literal["anonymise", "delete"]
