"""The site's public address and name (SITE_URL, SITE_NAME) for e-mails and Django's Site row.

Every absolute link that leaves the site (e-mails, feeds) is built here or from SITE_URL, never
from the request's host: a worker sending mail has no request, and behind a proxy the request's
host is the proxy's view of the site, not the address people use.
"""

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

if TYPE_CHECKING:
    from django.contrib.sites.models import Site


def site_domain() -> str:
    """The host (and port) of SITE_URL, as Django's Site row keeps it."""
    return urlsplit(settings.SITE_URL).netloc or "localhost"


def site_absolute_url(location: str) -> str:
    """`location` (a path, or a URL on this site) as an address under SITE_URL.

    A full URL keeps its path, query and fragment and takes SITE_URL's scheme and host; a path
    is appended to SITE_URL (which may itself have a path, for a site under a prefix).
    """
    base = urlsplit(settings.SITE_URL.rstrip("/"))
    target = urlsplit(location)
    path = target.path if target.path.startswith("/") else "/" + target.path
    if base.path and not path.startswith(base.path + "/"):
        path = base.path + path
    return str(urlunsplit((base.scheme, base.netloc, path, target.query, target.fragment)))


def site_from_settings() -> "Site":
    """An unsaved Site with SITE_URL's domain and SITE_NAME, for e-mail templates.

    Messages rendered from it say the right thing even when the database row is stale (the
    site was migrated under one address and is served under another).
    """
    from django.contrib.sites.models import Site

    return Site(id=settings.SITE_ID, domain=site_domain(), name=settings.SITE_NAME)


def site_sync_from_settings(**kwargs: Any) -> None:
    """Set the one Site's domain from SITE_URL and its name from SITE_NAME.

    Runs after every migrate and when `cslab serve` starts (which may have set SITE_URL from
    its --port). Without this, e-mails and sitemaps speak "from example.com".
    """
    from django.contrib.sites.models import Site

    using = kwargs.get("using", "default")
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": site_domain(), "name": settings.SITE_NAME}
    )
    Site.objects.clear_cache()
