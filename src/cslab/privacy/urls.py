"""The pages of data protection: export, erasure, the privacy notice, page-view counts."""

from django.urls import URLPattern, URLResolver

from cslab.privacy.views import analytics, erasure, export, media_removal, notice

urlpatterns: list[URLPattern | URLResolver] = [
    *export.urlpatterns,
    *erasure.urlpatterns,
    *notice.urlpatterns,
    *analytics.urlpatterns,
    *media_removal.urlpatterns,
]
