"""Threaded discussions: put comments in reading order. Pure: no ORM."""

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar


class Threaded(Protocol):
    @property
    def pk(self) -> Any: ...

    @property
    def parent_id(self) -> Any: ...


T = TypeVar("T", bound=Threaded)


def thread_order(comments: Iterable[T]) -> list[T]:
    """Return comments depth first: each comment followed by its replies, oldest first.

    `comments` must come oldest first. A reply whose parent is missing is kept, at the end,
    rather than lost.
    """
    items: Sequence[T] = list(comments)
    children: dict[Any, list[T]] = {}
    known = {item.pk for item in items}
    roots: list[T] = []
    orphans: list[T] = []
    for item in items:
        if item.parent_id is None:
            roots.append(item)
        elif item.parent_id in known:
            children.setdefault(item.parent_id, []).append(item)
        else:
            orphans.append(item)
    ordered: list[T] = []
    stack = list(reversed(roots))
    while stack:
        item = stack.pop()
        ordered.append(item)
        stack.extend(reversed(children.get(item.pk, [])))
    return ordered + orphans
