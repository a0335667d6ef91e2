"""What operations sees: a request id and the comune on every log line, and Prometheus metrics.

- Every request gets an id (the proxy's `X-Request-ID` when it is a plain token, else a new
  one), echoed in the response, so a complaint, a log line and a Sentry event can be matched.
- `RequestContextFilter` puts `request_id` and `comune` (the schema in use) on every log
  record; with `LOG_FORMAT=json` (the default behind HTTPS) each line is one JSON object.
- `/metrics` (django-prometheus) is answered on any host, like the probes, but only to a
  scraper that presents `METRICS_TOKEN` as a bearer token; without the setting it is off
  (404). Labels are django-prometheus's (view name, method, status): bounded by the code,
  never by comune, person or URL, so 300 comuni do not multiply the series.
"""

import contextvars
import hmac
import logging
import re
import uuid

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpResponseNotFound

_request_id = contextvars.ContextVar("request_id", default="")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _TOKEN.match(offered) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is finished, not reset here: Django logs a 4xx/5xx
        # ("Not Found: …") after the middleware chain has returned.
        _request_id.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


@receiver(request_finished, dispatch_uid="src.common.observability.forget_request_id")
def _forget_request_id(sender, **kwargs):
    _request_id.set("")


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        from django.db import connection

        record.request_id = _request_id.get()
        record.comune = getattr(connection, "schema_name", "") or ""
        return True


def metrics(request):
    expected = getattr(settings, "METRICS_TOKEN", "")
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(offered.encode(), expected.encode()):
        return HttpResponseNotFound()
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)
