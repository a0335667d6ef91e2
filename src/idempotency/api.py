"""`@idempotent` on a DRF view's `post`: a retry with the same `Idempotency-Key` gets the first answer.

    class BookingListCreateView(APIView):
        @extend_schema(...)
        @idempotent
        def post(self, request): ...

As in the IETF draft "The Idempotency-Key HTTP Header Field" and Stripe's API:

- no header: the view runs as it always did;
- the first request with a key runs the view; its answer (any status below 500) is
  stored in the same transaction as what the view wrote, so a crash never leaves a
  booking without its record, nor a record of a booking that was rolled back;
- a retry with the same key and the same request (method, path, body) gets the stored
  answer with `Idempotent-Replayed: true`, and the view does not run again;
- the same key with a different request: 422;
- a retry while the first is still running waits for it (a transaction-scoped advisory
  lock on the key) and then replays; only after `WAIT_MS` does it give up with 409.

Keys live in the comune's schema, so they are per comune; within it, per caller: the
signed-in person, or, for an anonymous caller, the body itself (see `_scope`).
"""

import functools
import hashlib
import json

from django.db import DatabaseError, connection, transaction
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from psycopg2 import errorcodes
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from src.idempotency.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# How long a retry waits for the first request with its key before answering 409:
# well beyond a create's time, well within the proxy's and gunicorn's timeouts.
WAIT_MS = 20_000

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Chiave scelta dal client (fino a 255 caratteri, per esempio un UUID) per poter ripetere la richiesta "
        "senza rischi. Per 24 ore la stessa chiave con la stessa richiesta restituisce la prima risposta "
        "(stesso stato e stesso corpo, con l'intestazione `Idempotent-Replayed: true`) senza creare nulla di nuovo; "
        "con una richiesta diversa risponde 422. Una ripetizione che arriva mentre la prima è ancora in corso "
        "la attende; 409 se l'attesa supera 20 secondi. Vale per il comune e per la persona che la invia."
    ),
)


class InvalidKey(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_invalid"
    default_detail = _("L'intestazione Idempotency-Key deve contenere da 1 a 255 caratteri.")


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _(
        "Questa Idempotency-Key è già stata usata per una richiesta diversa: per una nuova richiesta usa una nuova chiave."
    )


class RequestInProgress(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_in_progress"
    default_detail = _("Richiesta già in corso con questa Idempotency-Key: riprova tra qualche secondo.")


def _key(request) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    # The IETF draft sends a structured-field string ("..."), Stripe a bare token: both are the same key.
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise InvalidKey()
    return key


def _body(request) -> bytes:
    try:
        return request.body
    except RawPostDataException:
        # A multipart body already consumed by the form parser (CSRF check): its parsed fields stand in for it.
        data = request.data
        data = dict(data.lists()) if hasattr(data, "lists") else data
        return json.dumps(data, sort_keys=True, default=str).encode()


def _scope(request, body: bytes) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    # Anonymous callers cannot be told apart: the key alone would let anyone who guessed it read
    # another person's answer (name, e-mail, booking code). Only the sender of the same body can.
    return "anon:" + hashlib.sha256(body).hexdigest()


def _fingerprint(request, body: bytes) -> str:
    digest = hashlib.sha256(f"{request.method}\n{request.get_full_path()}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _wait_for_key(scope: str, key: str) -> None:
    """Hold the key's lock until this transaction ends: a duplicate waits here, then finds the stored answer."""
    try:
        with connection.cursor() as cursor:
            # The timeout applies to this lock only, not to the locks the view takes afterwards.
            cursor.execute(
                "SET LOCAL lock_timeout = %s;"
                " SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':idempotency:' || %s, 0));"
                " SET LOCAL lock_timeout TO DEFAULT",
                [WAIT_MS, f"{scope}:{key}"],
            )
    except DatabaseError as exc:
        if getattr(exc.__cause__, "pgcode", None) == errorcodes.LOCK_NOT_AVAILABLE:
            raise RequestInProgress() from exc
        raise


def _run(view, post, request, args, kwargs) -> Response:
    try:
        # A savepoint: a refusal undoes what the view wrote, yet the refusal is still kept as the answer.
        with transaction.atomic():
            return post(view, request, *args, **kwargs)
    except Exception as exc:
        # What DRF's dispatch would do with it; an unexpected error is re-raised and nothing is kept.
        return view.handle_exception(exc)


def _as_json(data):
    # Lazy translations, dates, decimals: as the client received them.
    return json.loads(json.dumps(data, cls=JSONEncoder))


def idempotent(post):
    """Decorate an APIView's `post(self, request, ...)`; documents the header in the OpenAPI schema."""

    @functools.wraps(post)
    def wrapper(self, request, *args, **kwargs):
        key = _key(request)
        if key is None:
            return post(self, request, *args, **kwargs)
        body = _body(request)
        scope = _scope(request, body)
        fingerprint = _fingerprint(request, body)
        with transaction.atomic():
            _wait_for_key(scope, key)
            now = timezone.now()
            record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
            if record is not None and record.is_expired(now):
                # Not yet removed by the periodic job, but forgotten all the same.
                record.delete()
                record = None
            if record is not None:
                if record.fingerprint != fingerprint:
                    raise KeyReused()
                return Response(record.body, status=record.status_code, headers={REPLAYED_HEADER: "true"})
            response = _run(self, post, request, args, kwargs)
            # A 5xx is not an answer: the retry should run again.
            if response.status_code < 500:
                IdempotencyRecord.objects.create(
                    scope=scope,
                    key=key,
                    fingerprint=fingerprint,
                    status_code=response.status_code,
                    body=_as_json(response.data),
                    created_at=now,
                )
        return response

    return extend_schema(parameters=[IDEMPOTENCY_KEY])(wrapper)
