"""Request rates and daily quotas per client, counted across every comune.

Who is calling: a signed-in person by their account, anyone else by their address
(`client_address`, the same one the sign-in lockout counts). The rates are
settings.THROTTLE_RATES; the counts live in the "throttle" cache, whose keys carry
no schema, so moving from Cesena's host to Sarsina's starts no new count.

- The API: `AnonThrottle` and `UserThrottle` on every view (REST_FRAMEWORK), plus a
  `ScopeThrottle` subclass on the views of a named scope (check-in by code, appointments
  without an account). DRF answers 429 with Retry-After; config/api.py words it.
- Plain views (sign-up, password reset, e-mail sign-in links, check-in at the front
  desk): `@throttle("scope")`, the same classes and counts, and the Italian 429 page.
- `quota_take`/`quota_give_back`: a number of uses a day (Europe/Rome), e.g. appointments
  booked without an account per e-mail address and per client address.

Here, beside identity, because both trees use it and `tenants/` may not import `src/`.
"""

import hashlib
import math
from functools import wraps

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.throttling import SimpleRateThrottle

CACHE_ALIAS = "throttle"


def client_address(request) -> str:
    """The client's address: X-Forwarded-For behind our proxy, else the socket's (settings, AXES_IPWARE_*)."""
    return get_client_ip_address(request) or "unknown"


def _digest(value: str) -> str:
    # Keys never carry an e-mail address or an address in clear.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


class _Rate(SimpleRateThrottle):
    """A DRF throttle reading its rate from settings at each request and counting in the "throttle" cache."""

    @property
    def cache(self):
        return caches[CACHE_ALIAS]

    def get_rate(self):
        return settings.THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_address(request)

    def _key(self, ident) -> str:
        return self.cache_format % {"scope": self.scope, "ident": _digest(str(ident))}


class AnonThrottle(_Rate):
    """Any API request without an account, per address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self._key(self.get_ident(request))


class UserThrottle(_Rate):
    """Any API request with an account, per account."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self._key(request.user.pk)


class ScopeThrottle(_Rate):
    """The requests of one named scope: per account when signed in, else per address.

    `methods` limits it to the requests that do something (POST by default); `anonymous_only`
    leaves signed-in people alone; `key(request)` counts by something else (an e-mail address).
    """

    methods: tuple[str, ...] = ("POST",)
    anonymous_only = False

    def __init__(self, scope: str | None = None, *, key=None, methods=None, anonymous_only=None):
        if scope is not None:
            self.scope = scope
        self.key = key
        if methods is not None:
            self.methods = tuple(methods)
        if anonymous_only is not None:
            self.anonymous_only = anonymous_only
        super().__init__()

    def get_cache_key(self, request, view):
        if request.method not in self.methods:
            return None
        signed_in = bool(getattr(request, "user", None) and request.user.is_authenticated)
        if self.anonymous_only and signed_in:
            return None
        if self.key is not None:
            value = self.key(request)
            return self._key(value) if value else None
        return self._key(f"user:{request.user.pk}" if signed_in else self.get_ident(request))


class CheckInThrottle(ScopeThrottle):
    scope = "check_in"


class AppointmentAnonThrottle(ScopeThrottle):
    scope = "appointment_anon"
    anonymous_only = True


def throttled_message(wait) -> str:
    """The sentence config/api.py gives under /api/ (the same words, so the same translation)."""
    if wait is None:
        return _("Troppe richieste: riprova tra poco.")
    wait = math.ceil(wait)
    return ngettext(
        "Troppe richieste: riprova tra %(wait)d secondo.", "Troppe richieste: riprova tra %(wait)d secondi.", wait
    ) % {"wait": wait}


def throttled_response(request, wait):
    """429 with Retry-After: the Italian page, or the API's JSON error under /api/."""
    message = throttled_message(wait)
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "code": "throttled", "fields": {}},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    if wait is not None:
        response["Retry-After"] = str(math.ceil(wait))
    return response


def throttle(scope: str, *, key=None, methods=("POST",), anonymous_only=False):
    """Limit a plain view to the rate of `scope` (settings.THROTTLE_RATES); GETs pass unless `methods` says so."""

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            limit = ScopeThrottle(scope, key=key, methods=methods, anonymous_only=anonymous_only)
            if not limit.allow_request(request, None):
                return throttled_response(request, limit.wait())
            return view(request, *args, **kwargs)

        return limited

    return decorator


def posted_email(request) -> str:
    """The e-mail address a form was sent with, as one person: trimmed, lower case."""
    return request.POST.get("email", "").strip().lower()


# --- Daily quotas --------------------------------------------------------------------------


def _quota_key(scope: str, ident: str) -> str:
    return f"quota:{scope}:{timezone.localdate().isoformat()}:{_digest(ident)}"


def quota_take(scope: str, ident: str, *, limit: int) -> bool:
    """Count one more use of `scope` today by `ident`; False (and nothing counted) when `limit` is reached."""
    cache = caches[CACHE_ALIAS]
    key = _quota_key(scope, ident)
    cache.add(key, 0, timeout=26 * 3600)  # a day, and the longest day of the year
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=26 * 3600)
        used = 1
    if used > limit:
        cache.decr(key)
        return False
    return True


def quota_give_back(scope: str, ident: str) -> None:
    """Undo a `quota_take` whose use did not happen (the slot was taken meanwhile)."""
    cache = caches[CACHE_ALIAS]
    try:
        cache.decr(_quota_key(scope, ident))
    except ValueError:
        pass
