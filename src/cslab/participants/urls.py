"""The pages of participants: My cslab, credit choices, the team's contributor list."""

from django.urls import URLPattern, URLResolver

from cslab.participants.views import credit, my_cslab

urlpatterns: list[URLPattern | URLResolver] = [*my_cslab.urlpatterns, *credit.urlpatterns]
