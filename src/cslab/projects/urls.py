"""URLs of the projects area: each views module lists its own patterns."""

from cslab.projects.views import directory, media, pages, ppsr, team

urlpatterns = [
    *directory.urlpatterns,
    *media.urlpatterns,
    *ppsr.urlpatterns,
    *team.urlpatterns,
    *pages.urlpatterns,
]
