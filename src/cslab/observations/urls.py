"""URLs of the observations area."""

from cslab.observations.views.observations import urlpatterns as observation_patterns

urlpatterns = [*observation_patterns]
