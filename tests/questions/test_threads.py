"""Threaded comments in reading order: each comment followed by its replies."""

from dataclasses import dataclass

from cslab.questions.threads import thread_order


@dataclass
class Item:
    pk: int
    parent_id: int | None


def test_replies_follow_their_parent_depth_first_oldest_first() -> None:
    items = [Item(1, None), Item(2, None), Item(3, 1), Item(4, 3), Item(5, 1), Item(6, 2)]
    assert [item.pk for item in thread_order(items)] == [1, 3, 4, 5, 2, 6]


def test_a_reply_whose_parent_is_missing_is_kept_at_the_end() -> None:
    items = [Item(1, None), Item(7, 99)]
    assert [item.pk for item in thread_order(items)] == [1, 7]


def test_an_empty_discussion_is_empty() -> None:
    assert thread_order([]) == []
