"""URLs of the PPSR Core area."""

from cslab.ppsr.views import urlpatterns

__all__ = ["urlpatterns"]
