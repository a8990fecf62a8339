"""The site's URLs, plus a stand-in resource page while the hub's resource part is absent.

The subscriptions tests link to resources (`hub_resource_detail`); on a branch without the
resource page they use this URLconf (`pytest.mark.urls`). With the page present it is the
site's own URLconf unchanged.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from cslab.hub.views import resources
from cslab.urls import urlpatterns as site_urlpatterns


def _resource_stand_in(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(slug)


urlpatterns: list[URLPattern | URLResolver] = list(site_urlpatterns)
if not any(
    getattr(pattern, "name", "") == "hub_resource_detail" for pattern in resources.urlpatterns
):
    urlpatterns.append(path("hub/<slug:slug>/", _resource_stand_in, name="hub_resource_detail"))
