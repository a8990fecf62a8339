"""Matrix rows of the hub's resource pages (issue 12 item 1): submit, edit, my resources, the
resource page, its files and its cover, for drafts, published and retired resources.

`build` adds resources of `world.other_user` in three statuses, each with a file and a cover.
The submitter and linked-author cells use a draft made for the viewing person on first use
(`_own`), since the matrix's roles are site and project roles.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.hub.models import Resource
from cslab.hub.services.resources import AuthorInput, resource_create, resource_file_add
from tests.hub.resource_helpers import pdf_upload, png_bytes
from tests.permission_matrix import LOGIN_REDIRECT, Row, World, every, signed_in


def _resource_of(world: World, title: str, status: str) -> Resource:
    resource = resource_create(
        actor=world.other_user,
        kind="method_card",
        title=title,
        summary="A matrix resource.",
        cover_image=SimpleUploadedFile("cover.png", png_bytes()),
        cover_alt_text="A green rectangle",
    )
    resource_file_add(actor=world.other_user, resource=resource, upload=pdf_upload())
    Resource.objects.filter(pk=resource.pk).update(status=status)
    resource.refresh_from_db()
    return resource


def build(world: World) -> None:
    for status in ("draft", "published", "retired"):
        world.extra[f"hub-{status}"] = _resource_of(world, f"Matrix {status} resource", status)


def _own(world: World, how: str) -> Resource:
    """A draft the viewer submitted (`submitter`) or is a linked author of (`author`); for an
    anonymous visitor, someone else's draft."""
    if world.viewer is None:
        return world.extra["hub-draft"]
    key = f"hub-own-{how}-{world.viewer.pk}"
    if key not in world.extra:
        if how == "submitter":
            world.extra[key] = resource_create(
                actor=world.viewer, kind="tool", title="Matrix own draft", summary="Mine."
            )
        else:
            world.extra[key] = resource_create(
                actor=world.other_user,
                kind="tool",
                title="Matrix co-authored draft",
                summary="Ours.",
                authors=[AuthorInput(user_id=world.viewer.pk)],
            )
    return world.extra[key]


def _page(key: str, suffix: str = "") -> Any:
    return lambda w: f"/hub/{w.extra[key].slug}/{suffix}"


def _file(key: str) -> Any:
    return lambda w: f"/hub/{w.extra[key].slug}/files/{w.extra[key].files.get().pk}/"


def _cover(key: str) -> Any:
    return lambda w: f"/hub/{w.extra[key].slug}/cover"


CURATORS_ONLY = every(404, staff=200, superuser=200)
SUBMIT = {
    "kind": "tool",
    "title": "Matrix submitted tool",
    "summary": "A tool.",
    "language": "en",
    "licence": "CC-BY-4.0",
}

# fmt: off
ROWS: list[Row] = [
    Row("hub: choose the kind of a new resource", "GET", lambda w: "/hub/submit/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="hub_resource_submit"),
    Row("hub: the form of a new resource", "GET", lambda w: "/hub/submit/?kind=template",
        signed_in(200, LOGIN_REDIRECT), api=False, route="hub_resource_submit"),
    Row("hub: submit a new resource", "POST", lambda w: "/hub/submit/",
        signed_in(302, LOGIN_REDIRECT), body=SUBMIT, api=False, route="hub_resource_submit"),
    Row("hub: my resources", "GET", lambda w: "/hub/mine/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="hub_my_resources"),

    Row("hub: someone else's draft", "GET", _page("hub-draft"),
        CURATORS_ONLY, api=False, route="hub_resource_detail"),
    Row("hub: a published resource", "GET", _page("hub-published"),
        every(200), api=False, route="hub_resource_detail"),
    Row("hub: a retired resource", "GET", _page("hub-retired"),
        every(200), api=False, route="hub_resource_detail"),
    Row("hub: my own draft (as its submitter)", "GET",
        lambda w: _own(w, "submitter").get_absolute_url(),
        signed_in(200, 404), api=False, route="hub_resource_detail"),
    Row("hub: a draft I am a linked author of", "GET",
        lambda w: _own(w, "author").get_absolute_url(),
        signed_in(200, 404), api=False, route="hub_resource_detail"),

    Row("hub: edit someone else's draft", "GET", _page("hub-draft", "edit/"),
        every(404, anonymous=LOGIN_REDIRECT, staff=200, superuser=200),
        api=False, route="hub_resource_edit"),
    Row("hub: edit someone else's published resource", "GET", _page("hub-published", "edit/"),
        signed_in(403, LOGIN_REDIRECT, staff=200, superuser=200),
        api=False, route="hub_resource_edit"),
    Row("hub: edit someone else's retired resource", "GET", _page("hub-retired", "edit/"),
        signed_in(403, LOGIN_REDIRECT, staff=200, superuser=200),
        api=False, route="hub_resource_edit"),
    Row("hub: edit my own draft (as its submitter)", "GET",
        lambda w: f"/hub/{_own(w, 'submitter').slug}/edit/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="hub_resource_edit"),
    Row("hub: edit a draft I am a linked author of", "GET",
        lambda w: f"/hub/{_own(w, 'author').slug}/edit/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="hub_resource_edit"),
    Row("hub: save my own draft", "POST",
        lambda w: f"/hub/{_own(w, 'submitter').slug}/edit/",
        signed_in(302, LOGIN_REDIRECT), body=SUBMIT, api=False, route="hub_resource_edit"),
    Row("hub: save someone else's retired resource", "POST", _page("hub-retired", "edit/"),
        signed_in(403, LOGIN_REDIRECT, staff=200, superuser=200), body=SUBMIT,
        api=False, route="hub_resource_edit"),

    Row("hub: a file of someone else's draft", "GET", _file("hub-draft"),
        CURATORS_ONLY, api=False, route="hub_resource_file"),
    Row("hub: a file of a published resource", "GET", _file("hub-published"),
        every(200), api=False, route="hub_resource_file"),
    Row("hub: a file of a retired resource", "GET", _file("hub-retired"),
        every(200), api=False, route="hub_resource_file"),
    Row("hub: the cover of someone else's draft", "GET", _cover("hub-draft"),
        CURATORS_ONLY, api=False, route="hub_resource_cover"),
    Row("hub: the cover of a published resource", "GET", _cover("hub-published"),
        every(200), api=False, route="hub_resource_cover"),
    Row("hub: the cover of a retired resource", "GET", _cover("hub-retired"),
        every(200), api=False, route="hub_resource_cover"),
]
# fmt: on
