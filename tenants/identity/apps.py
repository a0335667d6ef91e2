from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "tenants.identity"
    label = "identity"
    verbose_name = "Identità"

    def ready(self):
        # The API's security schemes in the OpenAPI schema (drf-spectacular registers
        # extensions when their module is imported).
        from tenants.identity import openapi  # noqa: F401
