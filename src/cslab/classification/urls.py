"""URLs of the classification area."""

from cslab.classification.views import urlpatterns as page_patterns

urlpatterns = [*page_patterns]
