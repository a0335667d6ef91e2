"""API errors as JSON with a message, in the request's language; never a stack trace."""

from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        if isinstance(exc, IntegrityError):
            # Constraint violations that services did not turn into a clearer message.
            return Response(
                {"detail": "La richiesta è in conflitto con dati esistenti.", "code": "conflict"},
                status=status.HTTP_409_CONFLICT,
            )
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        body = {"detail": str(data["detail"]), "code": getattr(data["detail"], "code", "error")}
    else:
        body = {"detail": "Dati non validi.", "code": "invalid", "errors": data}
    response.data = body
    return response
