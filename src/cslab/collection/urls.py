"""URLs of the collection area: each views module lists its own patterns."""

from cslab.collection.views import urlpatterns as page_patterns

urlpatterns = [*page_patterns]
