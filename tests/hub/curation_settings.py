"""Test settings with the stand-in resource page (tests/hub/curation_urls.py), to run the
permission matrix on the curation branch before the resources part's page is merged:
`pytest --ds=tests.hub.curation_settings tests/test_permission_matrix.py`."""

from cslab.settings.test import *  # noqa: F403

ROOT_URLCONF = "tests.hub.curation_urls"
