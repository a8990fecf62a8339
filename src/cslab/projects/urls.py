"""URLs of the projects area: each views module lists its own patterns."""

from cslab.projects.views import directory, media, pages, team

urlpatterns = [
    *directory.urlpatterns,
    *media.urlpatterns,
    *team.urlpatterns,
    *pages.urlpatterns,
]
