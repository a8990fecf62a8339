"""Matrix rows of feedback on hub resources (issue 12 item 4): uses, endorsements, ratings,
comments and the comment moderation queue.

`build` adds a published and a draft resource by another person, a comment and a hidden comment
on the published one, and a use of a second resource by `team_project` (whose leads are the
owner and researcher roles).
"""

from typing import Any

from cslab.hub.models import Resource, ResourceComment, ResourceUse
from tests.hub.factories import make_resource
from tests.permission_matrix import (
    ANONYMOUS,
    LOGIN_REDIRECT,
    OWNER,
    RESEARCHER,
    STAFF,
    SUPERUSER,
    Row,
    World,
    every,
    signed_in,
)


def build(world: World) -> None:
    published = make_resource(submitted_by=world.other_user, slug="matrix-feedback")
    used = make_resource(submitted_by=world.other_user, slug="matrix-feedback-used")
    world.extra["hub-feedback-published"] = published
    world.extra["hub-feedback-draft"] = make_resource(
        submitted_by=world.other_user, status=Resource.Status.DRAFT, slug="matrix-feedback-draft"
    )
    world.extra["hub-feedback-comment"] = ResourceComment.objects.create(
        resource=published, author=world.other_user, text="Useful, thanks."
    )
    world.extra["hub-feedback-hidden"] = ResourceComment.objects.create(
        resource=published,
        author=world.other_user,
        text="Rude.",
        hidden_at=published.published_at,
        hidden_reason="Rude",
    )
    world.extra["hub-feedback-use"] = ResourceUse.objects.create(
        resource=used, project=world.team_project, added_by=world.other_user
    )
    Resource.objects.filter(pk=used.pk).update(use_count=1)


def _slug(key: str, action: str) -> Any:
    return lambda w: f"/hub/{w.extra[key].slug}/{action}/"


def _comment(key: str, action: str) -> Any:
    return lambda w: f"/hub/comments/{w.extra[key].pk}/{action}/"


def _leads_and_staff(status: int, others: int) -> dict[str, int]:
    expectation = every(others)
    expectation.update({OWNER: status, RESEARCHER: status, STAFF: status, SUPERUSER: status})
    expectation[ANONYMOUS] = LOGIN_REDIRECT
    return expectation


def _staff(status: int, others: int) -> dict[str, int]:
    return signed_in(others, LOGIN_REDIRECT, staff=status, superuser=status)


DONE = 302

# fmt: off
ROWS: list[Row] = [
    Row("comment moderation queue", "GET", lambda w: "/hub/comments/",
        _staff(200, 403), api=False, route="hub_comment_moderation"),
    Row("say a project uses a resource", "POST", _slug("hub-feedback-published", "use"),
        _leads_and_staff(DONE, 404), api=False, route="hub_resource_use",
        body=lambda w: {"project": w.team_project.pk}),
    Row("take a resource off a project", "POST",
        lambda w: f"/hub/uses/{w.extra['hub-feedback-use'].pk}/remove/",
        _leads_and_staff(DONE, 404), api=False, route="hub_resource_use_remove"),
    Row("endorse a resource", "POST", _slug("hub-feedback-published", "endorse"),
        _staff(DONE, 403), api=False, route="hub_resource_endorse",
        body={"action": "endorse", "statement": "Good."}),
    Row("rate a resource", "POST", _slug("hub-feedback-published", "rate"),
        signed_in(DONE, LOGIN_REDIRECT), api=False, route="hub_resource_rate",
        body={"stars": "4"}),
    Row("rate a draft", "POST", _slug("hub-feedback-draft", "rate"),
        signed_in(404, LOGIN_REDIRECT), api=False, route="hub_resource_rate",
        body={"stars": "4"}),
    Row("comment on a resource", "POST", _slug("hub-feedback-published", "comments"),
        signed_in(DONE, LOGIN_REDIRECT), api=False, route="hub_resource_comment",
        body={"text": "Thanks!"}),
    Row("comment on a draft", "POST", _slug("hub-feedback-draft", "comments"),
        signed_in(404, LOGIN_REDIRECT), api=False, route="hub_resource_comment",
        body={"text": "Thanks!"}),
    Row("flag a comment on a resource", "POST", _comment("hub-feedback-comment", "flag"),
        signed_in(DONE, LOGIN_REDIRECT), api=False, route="hub_comment_flag",
        body={"reason": "Spam"}),
    Row("hide a comment on a resource", "POST", _comment("hub-feedback-comment", "hide"),
        _staff(DONE, 403), api=False, route="hub_comment_hide", body={"reason": "Rude"}),
    Row("show a hidden comment on a resource", "POST", _comment("hub-feedback-hidden", "show"),
        _staff(DONE, 403), api=False, route="hub_comment_show"),
]
# fmt: on
