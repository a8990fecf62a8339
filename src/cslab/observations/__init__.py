"""Observations: submitting, seeing, filtering, mapping, moderating and erasing them, with
geoprivacy and plausibility checks."""
