"""The reads every part of the hub starts from: which resources a viewer may see.

`resource_list_listed()` is the one query for "listed" (published): search, feeds, sitemap,
digests, related resources and the guided start all start from it, so a draft or a retired
resource never appears in a list. `resource_get` answers a single resource to whoever may see
it, and raises NotFoundError for everyone else.
"""

from django.db.models import Q, QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.hub import states
from cslab.hub.models import Resource


def resource_list_listed() -> QuerySet[Resource]:
    """Return the published resources: what anyone may find in lists."""
    return Resource.objects.filter(status=states.PUBLISHED)


def resource_list_visible(viewer: Actor) -> QuerySet[Resource]:
    """Return every resource the viewer may open: public ones, and their own or (staff) all."""
    if permissions.is_staff(viewer):
        return Resource.objects.all()
    public = Q(status__in=states.PUBLIC)
    if not viewer.is_authenticated:
        return Resource.objects.filter(public)
    return Resource.objects.filter(
        public | Q(submitted_by_id=viewer.pk) | Q(authors__user_id=viewer.pk)
    ).distinct()


def resource_list_mine(viewer: Actor) -> QuerySet[Resource]:
    """Return the resources the viewer submitted or is a linked author of, in any status."""
    if not viewer.is_authenticated:
        return Resource.objects.none()
    return Resource.objects.filter(
        Q(submitted_by_id=viewer.pk) | Q(authors__user_id=viewer.pk)
    ).distinct()


def resource_get(viewer: Actor, slug: str) -> Resource:
    """Return the resource with this slug if the viewer may open it, or raise NotFoundError."""
    resource = (
        Resource.objects.select_related("submitted_by", "translation")
        .prefetch_related("tags", "authors__user", "files", "links")
        .filter(slug=slug)
        .first()
    )
    if resource is None:
        raise NotFoundError()
    permissions.require(viewer, "hub.resource.view", resource)
    return resource
