from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "src.idempotency"
    label = "idempotency"
