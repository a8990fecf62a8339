"""Recording the nonce counts of accepted Digest requests (see `models.DigestNonceUse`)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from cslab.openrosa import digest
from cslab.openrosa.models import DigestNonceUse


def digest_nonce_use_record(*, nonce: str, count: int) -> bool:
    """Record that `count` was used under `nonce`; False if it was used before (a replay).

    The unique constraint decides, so two workers given the same header cannot both accept it.
    """
    if count == 1:
        # A client's first request under a nonce: the moment to forget nonces too old to be
        # accepted anyway (kept twice their lifetime for clock differences between workers).
        horizon = timezone.now() - timedelta(seconds=2 * digest.NONCE_LIFETIME_SECONDS)
        DigestNonceUse.objects.filter(created_at__lt=horizon).delete()
    try:
        with transaction.atomic():
            DigestNonceUse.objects.create(nonce=nonce, count=count)
    except IntegrityError:
        return False
    return True
