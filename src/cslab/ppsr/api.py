"""API route of PPSR Core: the catalogue of every listed project, for aggregators."""

from typing import Any

from ninja import Field, Router, Schema

from cslab.api.auth import ANYONE, ApiRequest
from cslab.ppsr.selectors import ppsr_record_list_listed

router = Router(tags=["PPSR Core"])


class PpsrCatalogueOut(Schema):
    Project: list[dict[str, Any]] = Field(
        ...,
        description=(
            "One PPSR Core Project Metadata Model (2020.0) record per public, approved project; "
            "each validates against the PPSR Core JSON Schema."
        ),
    )


@router.get(
    "/ppsr/projects",
    response=PpsrCatalogueOut,
    auth=ANYONE,
    summary="Every listed project as a PPSR Core catalogue",
)
def ppsr_catalogue(request: ApiRequest) -> Any:
    return {"Project": ppsr_record_list_listed()}
