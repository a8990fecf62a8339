from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cslab.api"
    label = "api"
    verbose_name = "API"
