"""Sign-in lockout: django-axes, with three counts and a page that says when to retry.

Axes' backend comes first in AUTHENTICATION_BACKENDS, so every `authenticate()` (the
site's sign-in, the union's and the comuni's admin sign-in, the OAuth token endpoint)
is refused while locked out; its middleware turns the refusal into `lockout_response`.
Failures live in the public schema (axes is a shared app only), so the count is the
union's: failing on Cesena's host and retrying on Sarsina's changes nothing.

The counts (settings, "No guessing, no flooding"): one account from one address, one
account from anywhere, one address on any account; each with its own limit, all over
the same cool-off after the last failure.
"""

import math
from datetime import datetime

from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Where an answer is read by a program, not a person: the JSON error contract (config/api.py).
JSON_PREFIXES = ("/api/", "/o/")


def attempted_username(request, credentials=None) -> str | None:
    """The account a sign-in names: the e-mail, trimmed and in lower case, however it was typed."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def _counts(request, credentials) -> list[tuple[Q, int]]:
    """Each count that can lock this sign-in: which failures it takes, and its limit."""
    username = get_client_username(request, credentials)
    address = request.axes_ip_address
    counts = [(Q(username=username, ip_address=address), get_failure_limit(request, credentials))]
    if username:
        counts.append((Q(username=username), settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT))
    if address:
        counts.append((Q(ip_address=address), settings.LOCKOUT_ADDRESS_FAILURE_LIMIT))
    return counts


def _live(request):
    """Failures still counting: the last one of each row less than a cool-off ago."""
    return AccessAttempt.objects.filter(attempt_time__gt=request.axes_attempt_time - get_cool_off(request))


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per count instead of one for all."""

    def get_failures(self, request, credentials=None) -> int:
        # On the pair's scale, which axes compares with AXES_FAILURE_LIMIT: the pair's own
        # failures, or that limit as soon as the account or the address is past its own.
        live = _live(request)
        (pair, pair_limit), *others = _counts(request, credentials)
        failures = sum(live.filter(pair).values_list("failures_since_start", flat=True))
        for which, limit in others:
            if sum(live.filter(which).values_list("failures_since_start", flat=True)) >= limit:
                return max(failures, pair_limit)
        return failures

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A sign-in that succeeds clears its pair and its account, never the address: someone
        # signing in to their own account must not wipe what the address tried on others.
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _rows = AccessAttempt.objects.filter(username=username).delete()
        return count


def retry_at(request, credentials=None) -> datetime | None:
    """When this locked-out sign-in may be tried again: when every count past its limit is back under it."""
    cool_off = get_cool_off(request)
    live = _live(request)
    latest = None
    for which, limit in _counts(request, credentials):
        rows = sorted(live.filter(which).values_list("attempt_time", "failures_since_start"))
        failures = sum(n for _at, n in rows)
        # The oldest rows stop counting first (a row's failures all count until a cool-off
        # after its last one): the count is back under its limit once enough of them have.
        for at, n in rows:
            if failures < limit:
                break
            failures -= n
            if failures < limit:
                latest = max(latest or at + cool_off, at + cool_off)
    return latest


def lockout_response(request, original_response=None, credentials=None):
    """429, in Italian (or the request's language), saying until when; JSON for programs."""
    until = retry_at(request, credentials) or timezone.now() + get_cool_off(request)
    local = timezone.localtime(until)
    when = date_format(local, "H:i")
    if local.date() != timezone.localdate():
        when = f"{date_format(local, 'j F')}, {when}"
    message = _(
        "Troppi tentativi di accesso non riusciti: per sicurezza l'accesso è bloccato. Riprova dalle %(when)s."
    ) % {"when": when}
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    if request.path_info.startswith(JSON_PREFIXES) or request.headers.get("x-requested-with") == "XMLHttpRequest":
        response = JsonResponse(
            {"detail": message, "code": "locked_out", "fields": {}, "retry_at": local.isoformat()},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(
            request,
            "identity/locked_out.html",
            {"message": message, "retry_at": local, "when": when},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response
