"""The pages of exports: a project's data page and its downloads."""

from django.urls import URLPattern, URLResolver

from cslab.exports import central, import_views, views

urlpatterns: list[URLPattern | URLResolver] = [*views.urlpatterns, *central.urlpatterns]
urlpatterns += import_views.urlpatterns
