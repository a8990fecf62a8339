"""Matrix rows of following hub searches, the unsubscribe page and the hub's Atom feeds.

`build` lets `other_user` follow a search: nobody else may stop it from the followed-searches
page (404), while its unsubscribe link works for whoever holds it, signed in or not (the
token is the proof).
"""

from cslab.hub.services.subscriptions import subscription_follow
from tests.permission_matrix import Row, World, every, signed_in


def build(world: World) -> None:
    world.extra["hub-subscription"] = subscription_follow(
        actor=world.other_user, query="q=bats&kind=tool"
    )


def _unsubscribe(world: World) -> str:
    return f"/hub/unsubscribe/{world.extra['hub-subscription'].token}/"


# fmt: off
ROWS: list[Row] = [
    Row("follow a hub search", "POST", lambda w: "/hub/follow/",
        signed_in(302, 302), api=False, body={"query": "q=bats&domain=water"},
        route="hub_follow"),
    Row("follow an empty hub search", "POST", lambda w: "/hub/follow/",
        signed_in(400, 302), api=False, body={"query": "page=2"}, route="hub_follow"),
    Row("followed hub searches page", "GET", lambda w: "/hub/following/",
        signed_in(200, 302), api=False, route="hub_following"),
    Row("stop someone else's followed hub search", "POST",
        lambda w: f"/hub/following/{w.extra['hub-subscription'].pk}/stop/",
        signed_in(404, 302, superuser=302), api=False, route="hub_following_stop"),
    Row("hub unsubscribe page", "GET", _unsubscribe, every(200), api=False,
        route="hub_unsubscribe"),
    Row("hub unsubscribe: stop this digest", "POST", _unsubscribe, every(200), api=False,
        body={"stop": "one"}, route="hub_unsubscribe"),
    Row("hub unsubscribe: one-click", "POST", _unsubscribe, every(200), api=False,
        body={"List-Unsubscribe": "One-Click"}, route="hub_unsubscribe"),
    Row("hub unsubscribe with an unknown token", "GET", lambda w: "/hub/unsubscribe/nope/",
        every(404), api=False, route="hub_unsubscribe"),
    Row("hub feed", "GET", lambda w: "/hub/feed.atom", every(200), api=False,
        route="hub_feed"),
    Row("hub case-study feed", "GET", lambda w: "/hub/case-studies/feed.atom", every(200),
        api=False, route="hub_case_study_feed"),
]
# fmt: on
