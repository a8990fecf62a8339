"""The hub's pages, one module per part.

The resource page (`/hub/<slug>/`) and its sub-pages come last: fixed paths such as
/hub/submit/ are reserved slugs (`vocabulary.RESERVED_SLUGS`).
"""

from django.urls import URLPattern, URLResolver

from cslab.hub.views import case_studies, curation, feedback, resources, search, subscriptions

urlpatterns: list[URLPattern | URLResolver] = [
    *search.urlpatterns,
    *subscriptions.urlpatterns,
    *curation.urlpatterns,
    *feedback.urlpatterns,
    *case_studies.urlpatterns,
    *resources.urlpatterns,
]
