"""WSGI entry point of the reference app (gunicorn benchmarks.reference_app.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.reference_app.settings")
application = get_wsgi_application()
