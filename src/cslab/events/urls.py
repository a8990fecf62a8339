"""The pages of events, one module per part.

The event page (`/events/<slug>/`) and its sub-pages come last in `listing`: fixed paths such as
/events/new/ are reserved slugs (`vocabulary.RESERVED_SLUGS`).
"""

from django.urls import URLPattern, URLResolver

from cslab.events.views import calendars, listing, manage, registration

urlpatterns: list[URLPattern | URLResolver] = [
    *calendars.urlpatterns,
    *registration.urlpatterns,
    *manage.urlpatterns,
    *listing.urlpatterns,
]
