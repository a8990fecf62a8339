"""Test settings: base plus overrides for speed and isolation only."""

import os

# Tests never read a real secret, and run over plain HTTP against the test client and live server.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("CSLAB_HTTPS", "false")
os.environ.setdefault("LOG_JSON", "false")

from cslab.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
# The demo is loaded by several tests: a few dozen observations show the same as 5,000.
DEMO_OBSERVATIONS = 80
# A JVM start per published form would slow the suite; the tests of ODK Validate switch it on.
XLSFORM_ODK_VALIDATE = False
# One more query per page view would shift every page's query-count test; the analytics
# tests switch it on.
PAGE_VIEW_COUNTING = False
