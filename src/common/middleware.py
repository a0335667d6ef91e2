"""The outermost middlewares: security headers on every response; probes on any host, and a
clean 503 while the database is away.

`SecurityHeadersMiddleware` is first in settings.MIDDLEWARE: django-csp's middleware, whose
nonce is made for every request (so every response's policy carries a fresh one, error
pages and the admin included, and templates read it as `CSP_NONCE`), plus the
Permissions-Policy header.

`ServiceGuardMiddleware` comes next, before the comune (host) middleware and ALLOWED_HOSTS:

- `/healthz` and `/readyz` (src/common/health.py) are answered here, on every host:
  load balancers probe by IP or by any name, which ALLOWED_HOSTS and the host -> comune
  lookup would refuse.
- While PostgreSQL cannot be reached (OperationalError or InterfaceError, at connect or
  in the middle of a request), pages get a standalone Italian page (templates/
  service_unavailable.html: it does not extend base.html, which needs the database) and
  /api/ the JSON error body, both 503 with Retry-After. The failure is logged; no stack
  trace reaches the response. The connection is dropped at the end of the request
  (Django closes a connection that had errors), so the first request after the database
  is back is served again, without a restart.
- A request body over DATA_UPLOAD_MAX_MEMORY_SIZE under /api/ is a JSON 413 (Django
  raises RequestDataTooBig while DRF reads the body, before any parser runs).

Django turns an exception into a response at every middleware layer, so this one never
sees an exception raised inside the host middleware (the domain lookup) as such: it
would only get that layer's 500. The `got_request_exception` signal, sent for every
such exception, marks the request, and the 500 is replaced here by the 503. Exceptions
raised by views arrive through `process_exception`.
"""

import logging
import sys

import psycopg2
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from src.common import health, observability

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError, psycopg2.OperationalError, psycopg2.InterfaceError)
PROBES = {
    "/healthz": health.healthz,
    "/healthz/": health.healthz,
    "/readyz": health.readyz,
    "/readyz/": health.readyz,
    "/metrics": observability.metrics,
}
API_PREFIX = "/api/"
_FAILURE = "_database_failure"


@receiver(got_request_exception, dispatch_uid="src.common.middleware.database_failure")
def _remember_database_failure(sender, request=None, **kwargs):
    failure = sys.exc_info()[1]
    if request is not None and isinstance(failure, DATABASE_DOWN):
        setattr(request, _FAILURE, failure)


class SecurityHeadersMiddleware(CSPMiddleware):
    """Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) and Permissions-Policy; and
    Referrer-Policy and nosniff on the answers given before Django's SecurityMiddleware runs
    (the probes, the 503 page, a host no comune has)."""

    def process_request(self, request):
        super().process_request(request)
        # django-csp adds the nonce to the header only once something has read it; read it
        # now, so the policy of every response names one (and never one read too late).
        str(request.csp_nonce)

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if settings.SECURE_REFERRER_POLICY:
            response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


class ServiceGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None:
            response = probe(request)
            response["Cache-Control"] = "no-store"
            return response
        try:
            response = self.get_response(request)
        except DATABASE_DOWN as failure:  # only with DEBUG_PROPAGATE_EXCEPTIONS
            return service_unavailable(request, failure)
        failure = getattr(request, _FAILURE, None)
        if failure is not None:
            return service_unavailable(request, failure)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return service_unavailable(request, exception)
        if isinstance(exception, RequestDataTooBig) and is_api(request):
            return request_too_large(request)
        return None


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _language(request) -> str:
    # From the cookie or Accept-Language: LocaleMiddleware (further in) may not have run.
    return translation.get_language_from_request(request)


def service_unavailable(request, failure: BaseException) -> HttpResponse:
    logger.error(
        "Database unavailable: %s %s answered 503 (%s: %s)",
        request.method,
        request.path_info,
        failure.__class__.__name__,
        str(failure).strip(),
    )
    with translation.override(_language(request)):
        if is_api(request):
            response = JsonResponse(
                {
                    "detail": _("Servizio momentaneamente non disponibile: riprova tra poco."),
                    "code": "service_unavailable",
                    "fields": {},
                },
                status=503,
            )
        else:
            # No request in the context: the context processors would read the database.
            page = render_to_string(
                "service_unavailable.html",
                {"union_name": settings.UNION_NAME, "LANGUAGE_CODE": translation.get_language()},
            )
            response = HttpResponse(page, status=503)
    response["Retry-After"] = str(health.RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def request_too_large(request) -> JsonResponse:
    limit_kb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    with translation.override(_language(request)):
        body = {
            "detail": _("La richiesta è troppo grande: al massimo %(size)d KB.") % {"size": limit_kb},
            "code": "request_too_large",
            "fields": {},
        }
    return JsonResponse(body, status=413)
