"""URLs of the classification area."""

from cslab.classification.media_views import urlpatterns as media_patterns
from cslab.classification.views import urlpatterns as page_patterns

urlpatterns = [*page_patterns, *media_patterns]
