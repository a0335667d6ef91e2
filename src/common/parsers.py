"""The API's JSON parser: what a body may hold before any view sees it; anything else is a 400.

DRF's JSONParser hands the body to `json.load` as it is, so anyone could send

- arrays nested tens of thousands deep: the decoder's RecursionError was a 500;
- `1e400` (a float that is infinite in Python) or `NaN`: `int(inf)` in a field is an
  OverflowError, a 500;
- integers of any length: beyond 64 bits no key or database integer can hold them.

Here nesting is limited to MAX_DEPTH levels, numbers must be finite and integers fit in
a signed 64-bit integer; each refusal is a ParseError (400) with a message in the
request's language. The size of a body is bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
(2.5 MB by default): DRF reads `request.body`, which enforces it (the JSON 413 comes
from src/common/middleware.py); the parser checks it again for a stream read directly.
"""

import json
import math

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_SHOWN = 24  # characters of a refused number quoted back in the message


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class _Refused(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}…"


def _not_finite(text: str):
    raise _Refused(
        _("Il numero %(number)s non è ammesso: i numeri devono essere finiti.") % {"number": _shown(text)},
        "number_not_finite",
    )


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _not_finite(text)
    return value


def _int(text: str) -> int:
    # Checked on the text first: int() of thousands of digits costs time, and Python refuses beyond 4300.
    digits = len(text.lstrip("-"))
    value = int(text) if digits <= 19 else None
    if value is None or not INT64_MIN <= value <= INT64_MAX:
        raise _Refused(
            _("Il numero %(number)s è fuori dall'intervallo ammesso.") % {"number": _shown(text)},
            "number_out_of_range",
        )
    return value


def too_deep(data, limit: int = MAX_DEPTH) -> bool:
    """Whether `data` nests lists and objects more than `limit` levels (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class InputRefused(ParseError):
    """A body our parser refuses, with a message for a person (the API's handler keeps it)."""

    explained = True


class BoundedJSONParser(JSONParser):
    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(_("La richiesta è troppo grande: al massimo %(size)d KB.") % {"size": limit // 1024})
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise InputRefused(_("Il corpo della richiesta non è testo %(encoding)s valido.") % {"encoding": encoding})
        try:
            data = json.loads(text, parse_constant=_not_finite, parse_float=_float, parse_int=_int)
        except _Refused as refused:
            raise InputRefused(refused.message, code=refused.code)
        except RecursionError:  # deeper than the interpreter allows: certainly deeper than max_depth
            data = None
            deep = True
        except json.JSONDecodeError as error:
            raise InputRefused(
                _("Il corpo della richiesta non è un JSON valido (riga %(line)d, colonna %(column)d).")
                % {"line": error.lineno, "column": error.colno}
            )
        else:
            deep = too_deep(data, self.max_depth)
        if deep:
            raise InputRefused(
                _("Il JSON è annidato troppo in profondità: al massimo %(max)d livelli.") % {"max": self.max_depth},
                code="too_deep",
            )
        return data
