"""The API app: API tokens (model, services, page) and the versioned REST API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "esms.api"
    label = "api"
    verbose_name = "API"
