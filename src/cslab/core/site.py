"""Keep Django's Site row (used by allauth's e-mails and sitemaps) in step with SITE_URL."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings


def site_sync_from_settings(**kwargs: Any) -> None:
    """Set the one Site's domain from SITE_URL and its name to "cslab" after every migrate.

    Without this, e-mails greet people "from example.com".
    """
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    using = kwargs.get("using", "default")
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "cslab"}
    )
