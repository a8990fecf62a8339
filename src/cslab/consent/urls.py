"""The pages of consent: a participant's (give, withdraw) and a team's (versions, records)."""

from django.urls import URLPattern, URLResolver

from cslab.consent.views import participant, team

urlpatterns: list[URLPattern | URLResolver] = [*team.urlpatterns, *participant.urlpatterns]
