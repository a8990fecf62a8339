"""Pages of this part of the hub (its helper replaces this placeholder)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
