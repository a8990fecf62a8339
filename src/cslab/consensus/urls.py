"""URLs of the consensus area."""

from cslab.consensus.views import urlpatterns as page_patterns

urlpatterns = [*page_patterns]
