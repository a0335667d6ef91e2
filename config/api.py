"""Every error under /api/ as one JSON shape, in the request's language; never a stack trace.

    {"detail": "<a message for a person>", "code": "<a machine code>", "fields": {"<field>": ["<message>", ...]}}

- `detail` is always there and always a sentence a person can read (Italian
  unless the request asks for English with Accept-Language).
- `code` is stable for programs: DRF's own codes ("invalid", "parse_error",
  "not_authenticated", "authentication_failed", "permission_denied",
  "not_found", "method_not_allowed", "unsupported_media_type", "throttled"),
  "csrf", "conflict", "server_error", "insufficient_scope" (an app's token
  lacks the scope, tenants/identity/bearer.py), or a domain error's own code
  ("check_in_not_open", "slot_unavailable", ...). A 401 (no credentials, or a
  refused token) also carries `WWW-Authenticate: Bearer ...`.
- `fields` is always there, {} when no input is to blame. Keys are the
  names of the inputs; nested inputs are flattened with dots: a nested
  object's field is "address.city", the third item of a list "items.2" (its
  field "items.2.name"). Values are lists of messages. Messages about the
  request as a whole (DRF's "non_field_errors", Django's "__all__", a
  ValidationError raised with a bare message) are not fields: they become
  `detail`, joined if several; otherwise a validation error's detail is a
  generic "invalid data" sentence pointing at the fields.

`exception_handler` is DRF's EXCEPTION_HANDLER (settings.REST_FRAMEWORK). The
Django views below answer the same JSON for requests under /api/ that never
reach a DRF view (unknown URL, CSRF failure of a plain view, a crash) and
leave every other page to Django's HTML pages.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import csrf, defaults
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from src.common.contention import is_contention
from src.common.errors import Conflict, DomainError

API_PREFIX = "/api/"

INVALID = _("Dati non validi: controlla i campi indicati.")
# DRF's JSON parser puts Python's English error text in its message: ours is readable, and translated.
PARSE_ERROR = _("Il contenuto della richiesta non è leggibile: controlla che sia JSON valido.")
# DRF's "No data provided" (a body of `null`) has no translation.
NO_DATA = _("Nessun dato ricevuto.")
CSRF_FAILED = _("Verifica di sicurezza (CSRF) non riuscita: ricarica la pagina e riprova.")
BAD_REQUEST = _("Richiesta non valida.")
BUSY = _("Troppe richieste contemporanee su questi dati: riprova tra qualche secondo.")
SERVER_ERROR = _("Errore interno del server: riprova più tardi.")
NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS}


def error_body(detail, code: str, fields: dict | None = None) -> dict:
    return {"detail": str(detail), "code": code, "fields": fields or {}}


def exception_handler(exc, context):
    if isinstance(exc, IntegrityError):
        # A constraint violation a service did not turn into a clearer message: still not a 500.
        exc = Conflict()
    elif is_contention(exc):
        # A deadlock or serialization failure a service did not retry away: busy, not broken.
        exc = Conflict(BUSY, code="busy")
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        # A bug: DRF re-raises it, Django logs it (and Sentry reports it), server_error below answers.
        return None
    # DRF's handler sets the status, WWW-Authenticate, Retry-After and rolls back ATOMIC_REQUESTS.
    response = drf_exception_handler(api_exc, context)
    response.data = _body(exc, api_exc)
    return response


def _as_api_exception(exc) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, DomainError):
        api_exc = exceptions.APIException(str(exc.message), code=exc.code)
        api_exc.status_code = exc.status
        return api_exc
    if isinstance(exc, DjangoValidationError):
        # From a service's full_clean() or its own checks: the same 400 as a serializer's.
        return exceptions.ValidationError(get_error_detail(exc))
    if isinstance(exc, Http404):
        # Django's text is English and may name a model ("No Booking matches the given query.").
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    return None


def _body(exc, api_exc: exceptions.APIException) -> dict:
    if isinstance(exc, DomainError):
        return error_body(exc.message, exc.code, {exc.field: [str(exc.message)]} if exc.field else {})
    if isinstance(api_exc, exceptions.ParseError):
        # Our JSON parser (src/common/parsers.py) explains in Italian; DRF's other parsers
        # put Python's English text in theirs.
        ours = getattr(api_exc, "explained", False)
        if ours:
            return error_body(api_exc.detail, getattr(api_exc.detail, "code", None) or api_exc.default_code)
        return error_body(PARSE_ERROR, api_exc.default_code)
    if isinstance(api_exc, exceptions.Throttled):
        return error_body(_throttled(api_exc.wait), api_exc.default_code)
    if isinstance(api_exc, exceptions.PermissionDenied) and str(api_exc.detail).startswith("CSRF Failed"):
        # DRF's SessionAuthentication says so in English and with no class or code of its own.
        return error_body(CSRF_FAILED, "csrf")
    if isinstance(api_exc, exceptions.ValidationError) or isinstance(api_exc.detail, (list, dict)):
        return _fields_body(api_exc.detail, api_exc.default_code)
    return error_body(api_exc.detail, getattr(api_exc.detail, "code", None) or api_exc.default_code)


def _fields_body(detail, code: str) -> dict:
    pairs: list[tuple[str, str]] = []
    _flatten(detail, "", pairs)
    general = [message for path, message in pairs if not path]
    fields: dict[str, list[str]] = {}
    for path, message in pairs:
        if path:
            fields.setdefault(path, []).append(message)
    return error_body(" ".join(general) if general else INVALID, code, fields)


def _flatten(detail, path: str, pairs: list) -> None:
    """Collect (dotted path, message) pairs; the path is "" for the request as a whole."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            _flatten(value, path if key in NON_FIELD_KEYS else _join(path, key), pairs)
    elif isinstance(detail, list | tuple):
        for index, item in enumerate(detail):
            # A list of messages belongs to `path`; a list of objects (many=True) is numbered.
            _flatten(item, _join(path, index) if isinstance(item, dict | list | tuple) else path, pairs)
    else:
        pairs.append((path, _message(detail)))


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def _message(detail) -> str:
    if getattr(detail, "code", None) == "null" and str(detail) == "No data provided":
        return str(NO_DATA)
    return str(detail)


def _throttled(wait) -> str:
    # DRF's own sentence has its seconds untranslated (it formats before looking up the plural).
    if wait is None:
        return str(_("Troppe richieste: riprova tra poco."))
    return ngettext(
        "Troppe richieste: riprova tra %(wait)d secondo.", "Troppe richieste: riprova tra %(wait)d secondi.", wait
    ) % {"wait": wait}


# --- Errors that never reach a DRF view (handler400/403/404/500 in the URL confs, CSRF_FAILURE_VIEW) ---


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(status: int, detail, code: str) -> JsonResponse:
    return JsonResponse(error_body(detail, code), status=status, json_dumps_params={"ensure_ascii": False})


def _page(request, template: str, status: int, fallback):
    """Our Italian page in the site's layout; Django's plain one if the layout cannot be drawn
    (a request refused before the middleware that the layout reads from has run)."""
    try:
        return render(request, template, status=status)
    except Exception:  # noqa: BLE001 - an error page must never fail
        return fallback()


def bad_request(request, exception):
    if not _is_api(request):
        # Django's own 400 page is a bare English line ("Bad Request (400)").
        return _page(request, "400.html", 400, lambda: defaults.bad_request(request, exception))
    return _json(400, BAD_REQUEST, "bad_request")


def permission_denied(request, exception):
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return _json(
        403, exception.args[0] if exception.args else exceptions.PermissionDenied.default_detail, "permission_denied"
    )


def page_not_found(request, exception):
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    # The same sentence DRF gives for an unknown object: to a client, an unknown URL is the same thing.
    return _json(404, exceptions.NotFound.default_detail, exceptions.NotFound.default_code)


def server_error(request):
    if not _is_api(request):
        return defaults.server_error(request)
    return _json(500, SERVER_ERROR, "server_error")


def csrf_failure(request, reason=""):
    if not _is_api(request):
        # Django's own page explains CSRF to developers, in English.
        return _page(request, "403_csrf.html", 403, lambda: csrf.csrf_failure(request, reason))
    return _json(403, CSRF_FAILED, "csrf")
