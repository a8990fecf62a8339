"""Stored files that areas above `privacy` delete once they expire, on the daily retention run.

`cslab retention` (`privacy.services.retention.retention_apply`) sits below areas such as
impact, so it cannot import their purges; each area registers its own here when its app loads,
and the retention run calls every one and reports its count beside the site-wide kinds.
"""

from collections.abc import Callable
from datetime import datetime

# A purge takes the moment files count as expired before and returns how many it deleted.
PurgeFunction = Callable[[datetime], int]

_purges: dict[str, PurgeFunction] = {}


def register_file_purge(key: str) -> Callable[[PurgeFunction], PurgeFunction]:
    """Register `function(now) -> number of files deleted` as the purge `key`."""

    def decorate(function: PurgeFunction) -> PurgeFunction:
        _purges[key] = function
        return function

    return decorate


def file_purges() -> dict[str, PurgeFunction]:
    return dict(_purges)
