"""The base of every cslab app's configuration: the modules it imports once the registry is ready.

Importing a registration module is what registers its permission rules, export section, job
kinds or signal receivers. They import models, so they cannot be imported before every app's
models are loaded; Django's `AppConfig.ready` is that moment. Naming them here keeps those
imports in one loop instead of a function-level import in every app's `ready`.
"""

from importlib import import_module

from django.apps import AppConfig


class CslabAppConfig(AppConfig):
    # Apps import this module, not the class: a second AppConfig subclass in an app's `apps.py`
    # would stop Django from choosing that app's own configuration automatically.
    default_auto_field = "django.db.models.BigAutoField"
    # Submodules (relative to the app) imported for their registrations, e.g. "rules".
    registration_modules: tuple[str, ...] = ()

    def ready(self) -> None:
        for module in self.registration_modules:
            import_module(f"{self.name}.{module}")
