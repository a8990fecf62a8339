"""Pages of the observations area."""
