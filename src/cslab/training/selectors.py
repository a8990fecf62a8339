"""The reads of training: which modules a viewer may see, and a person's progress.

`module_list_listed()` is the one query for "listed" (published) modules; `module_get` answers
one module to whoever may open it and raises NotFoundError for everyone else.
"""

from django.db.models import QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.training.models import Certificate, TrainingModule


def module_list_listed() -> QuerySet[TrainingModule]:
    """Return the published modules: what anyone may find in lists."""
    return TrainingModule.objects.filter(status=TrainingModule.Status.PUBLISHED)


def module_get(viewer: Actor, slug: str) -> TrainingModule:
    """Return the module with this slug if the viewer may open it, or raise NotFoundError."""
    module = (
        TrainingModule.objects.prefetch_related("lessons__prerequisites").filter(slug=slug).first()
    )
    if module is None:
        raise NotFoundError()
    permissions.require(viewer, "training.module.view", module)
    return module


def certificate_get_by_code(code: str) -> Certificate:
    """Return the certificate with this verification code (anyone may check one), or raise
    NotFoundError. A revoked certificate is returned too: the page says it is revoked."""
    certificate = (
        Certificate.objects.select_related("module", "user").filter(code=code[:40]).first()
    )
    if certificate is None:
        raise NotFoundError()
    return certificate
