"""URLs of the collection area: each views module lists its own patterns."""

from cslab.collection.media_views import urlpatterns as media_patterns
from cslab.collection.views import urlpatterns as page_patterns
from cslab.collection.views_builder import urlpatterns as builder_patterns
from cslab.collection.views_observations import urlpatterns as observation_patterns
from cslab.collection.views_webform import urlpatterns as webform_patterns

urlpatterns = [
    *page_patterns,
    *builder_patterns,
    *media_patterns,
    *observation_patterns,
    *webform_patterns,
]
