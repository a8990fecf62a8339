"""URLs of the media area."""

from cslab.media.views import urlpatterns as media_patterns

urlpatterns = [*media_patterns]
