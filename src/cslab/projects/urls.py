"""URLs of the projects area: each views module lists its own patterns."""

from cslab.projects.views import directory, media, pages, publishing, team

urlpatterns = [
    *directory.urlpatterns,
    *media.urlpatterns,
    *team.urlpatterns,
    *publishing.urlpatterns,
    *pages.urlpatterns,
]
