"""Fixtures shared by the exports tests."""

# The bird-count project of the Darwin Core tests, also used by the mapping page's tests.
from tests.exports.test_darwin_core import birds  # noqa: F401
