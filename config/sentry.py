"""Error reporting: each event carries the comune (schema) and no personal data."""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration


def _scrub(event, hint):
    # Sentry sends JSON request bodies even with send_default_pii=False (e-mails included).
    request = event.get("request")
    if request:
        request.pop("data", None)
        request.pop("cookies", None)
        request.get("headers", {}).pop("Cookie", None)
    event.pop("user", None)
    return event


def _tag_schema(event, hint):
    from django.db import connection

    event.setdefault("tags", {}).setdefault("comune", getattr(connection, "schema_name", "public"))
    return _scrub(event, hint)


def init_sentry(dsn: str, environment: str, traces_sample_rate: float = 0.0) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        max_request_body_size="never",
        before_send=_tag_schema,
        traces_sample_rate=traces_sample_rate,
    )
