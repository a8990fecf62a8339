"""The pages of training, one module per part; a module's lesson pages come last."""

from django.urls import URLPattern, URLResolver

from cslab.training.views import certificates, modules, requirements

urlpatterns: list[URLPattern | URLResolver] = [
    *certificates.urlpatterns,
    *requirements.urlpatterns,
    *modules.urlpatterns,
]
