"""The digest's pure grouping: each item once, under the first search it matches."""

from datetime import UTC, datetime

from cslab.hub.digest import DigestItem, FollowedSearch, digest_group


def search(name: str) -> FollowedSearch:
    return FollowedSearch(label=name, search_url=f"/s/{name}", unsubscribe_url=f"/u/{name}")


def item(name: str, day: int) -> DigestItem:
    return DigestItem(
        title=name, url=f"/r/{name}", published_at=datetime(2026, 11, day, tzinfo=UTC)
    )


def test_an_item_matching_two_searches_is_listed_under_the_first() -> None:
    groups = digest_group(
        [(search("bats"), [item("a", 23), item("b", 24)]), (search("tools"), [item("b", 24)])]
    )
    assert [group.search.label for group in groups] == ["bats"]
    assert [entry.title for entry in groups[0].items] == ["b", "a"]


def test_items_shown_elsewhere_and_empty_searches_are_left_out() -> None:
    groups = digest_group(
        [(search("bats"), [item("case", 23)]), (search("frogs"), [item("f", 25)])],
        shown_elsewhere=frozenset({"/r/case"}),
    )
    assert [(group.search.label, len(group.items)) for group in groups] == [("frogs", 1)]


def test_nothing_matching_gives_no_groups() -> None:
    assert digest_group([(search("bats"), [])]) == []
