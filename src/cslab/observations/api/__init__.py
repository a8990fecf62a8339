"""API routes of the observations area."""
