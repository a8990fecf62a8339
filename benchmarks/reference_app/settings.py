"""Settings of the bare-Django reference app: a database, a URLconf, nothing else."""

import os

import environ

DEBUG = False
SECRET_KEY = "reference-app-benchmark-only"  # noqa: S105 - serves no users, signs nothing
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "benchmarks.reference_app.views"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
USE_TZ = True
DATABASES = {"default": environ.Env.db_url_config(os.environ["REFERENCE_DATABASE_URL"])}
# As cslab's production settings: persistent connections, checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
