"""The training API: check a certificate of completion by its code (anyone)."""

from datetime import datetime
from typing import Any

from ninja import Router, Schema

from cslab.api.auth import ANYONE, ApiRequest
from cslab.training.selectors import certificate_get_by_code

router = Router(tags=["training"])


class CertificateOut(Schema):
    code: str
    genuine: bool
    holder_name: str
    module_title: str
    module_slug: str
    issued_at: datetime
    revoked_at: datetime | None
    verify_url: str


@router.get(
    "/certificates/{code}",
    response=CertificateOut,
    auth=ANYONE,
    summary="Check a certificate of completion: who completed which module when; revoked or not",
)
def get_certificate(request: ApiRequest, code: str) -> Any:
    certificate = certificate_get_by_code(code)
    return {
        "code": certificate.code,
        "genuine": certificate.revoked_at is None,
        "holder_name": certificate.holder_name,
        "module_title": certificate.module_title,
        "module_slug": certificate.module.slug,
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
        "verify_url": request.build_absolute_uri(certificate.get_absolute_url()),
    }
