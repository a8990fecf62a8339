"""Project pages: team (placeholder until its first page arrives)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
