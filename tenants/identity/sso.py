"""Single sign-on across the union's hosts, and sign-out everywhere.

Browsers share no cookie between `localhost` and `cesena.localhost`, nor ever with a
comune's institutional hostname, so each host keeps its own session and the union site
(bare union domain, public schema) holds the master one. A host without a session asks
the union with a redirect, as CAS and OpenID Connect do:

1. comune host → `https://<union>/account/sso/?next=<absolute URL>&state=<browser nonce>`
   (`sign_on_start`; the nonce is also a host-only cookie, `STATE_COOKIE`);
2. the union, if signed in, issues a ticket (signed, a minute long, single-use in the
   database, bound to the host of `next` and to the nonce) and redirects to
   `https://<comune host>/account/sso/callback/?token=…&next=…`; if not signed in it shows
   its sign-in page first (or, for a silent check, answers "nobody" at once);
3. the comune host consumes the ticket, signs the person in locally and goes to `next`.

A sign-in on a comune host itself (its form, registration) passes through the union the
other way (`union_sign_in_redirect`), so the union is signed in too.

Second factor of staff (second_factor.py): given once, on the union. A ticket carries the
device the issuing session was verified with, and the host that spends it records the
same device in its own session (`SignOn.otp_device`), if it is still the person's
confirmed device. On a comune's host a staff session without it is sent round the union
(non-silent), which asks for the code before it issues the ticket.

Sign-out: `sessions_end_all` stamps `User.sessions_ended_at`, which is folded into the
session hash Django checks on every request (`User.get_session_auth_hash`): every session
of the person on every host ends at its next request.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tenants.comuni.selectors import host_is_registered, union_url
from tenants.identity.models import SignOnTicket, User
from tenants.identity.oauth import app_tokens_revoke

TICKET_SECONDS = 60
STATE_COOKIE = "sso_state"
# `?sso=0` on a page: do not run the silent check (a browser that keeps no cookies would loop).
SKIP_PARAM = "sso"
_SALT = "tenants.identity.sso.ticket"
_STATE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# `?motivo=inattivita` on the sign-in page: the staff session ended for inactivity, and the page says so.
REASON_PARAM = "motivo"
IDLE_REASON = "inattivita"


@dataclass(frozen=True)
class SignOn:
    """What a spent ticket gives the host: the person, and the second factor the union had."""

    user: User
    otp_device: str = ""


class TicketRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def request_hostname(request) -> str:
    return request.get_host().split(":")[0].lower()


def is_union_host(request) -> bool:
    return request_hostname(request) == settings.UNION_DOMAIN


def valid_state(value: str | None) -> bool:
    return bool(value and _STATE.match(value))


# --- where one may be sent back -------------------------------------------------------------


def return_url_host(url: str | None, request) -> str | None:
    """The host an absolute return URL points to, when it may be followed: a registered
    domain of a comune or the union itself, with the request's scheme and port. Anything
    else (another site, credentials in the URL, odd spellings) gives None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != request.scheme or not parts.hostname or parts.username or parts.password:
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={parts.netloc}, require_https=request.is_secure()):
        return None
    if str(port or (443 if parts.scheme == "https" else 80)) != request.get_port():
        return None
    return parts.hostname if host_is_registered(parts.hostname) else None


def safe_return_url(url: str | None, request, default: str = "/") -> str:
    """`url` if it is a path on this host or an absolute URL on a host of the union, else `default`.
    A bare word ("0", "NaN") is no path: redirect() would take it for a view's name."""
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    ):
        return url
    return url if return_url_host(url, request) else default


# --- tickets --------------------------------------------------------------------------------


def ticket_issue(*, user, host: str, state: str = "", otp_device: str = "") -> str:
    """A one-time pass for `user` to sign in on `host` within TICKET_SECONDS (with the second
    factor `otp_device`, a django-otp persistent id, when the issuing session gave it)."""
    now = timezone.now()
    SignOnTicket.objects.filter(issued_at__lt=now - timedelta(hours=1)).delete()
    jti = secrets.token_urlsafe(32)
    SignOnTicket.objects.create(jti=jti, user=user, host=host, state=state, otp_device=otp_device, issued_at=now)
    return signing.dumps({"j": jti, "h": host}, salt=_SALT)


def ticket_consume(*, token: str, host: str, state: str | None) -> SignOn:
    """The person a ticket signs in on `host`, and their second factor; the ticket is spent. `state` is the browser's
    nonce cookie, which the ticket must carry (None: the ticket is not bound to a browser,
    as the union's own tickets from a comune's sign-in are not)."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=TICKET_SECONDS)
    except signing.SignatureExpired:
        raise TicketRefused(_("Il collegamento di accesso è scaduto: vale un minuto."))
    except signing.BadSignature:
        raise TicketRefused(_("Il collegamento di accesso non è valido."))
    if payload.get("h") != host:
        raise TicketRefused(_("Il collegamento di accesso è stato emesso per un altro indirizzo e qui non vale."))
    ticket = SignOnTicket.objects.filter(jti=payload.get("j"), host=host).select_related("user").first()
    if ticket is None or ticket.used_at is not None:
        raise TicketRefused(_("Il collegamento di accesso è già stato usato o non è più valido."))
    if state is not None and not (valid_state(state) and secrets.compare_digest(ticket.state, state)):
        raise TicketRefused(_("Il collegamento di accesso è stato chiesto da un altro browser."))
    user = ticket.user
    if not user.is_active or (user.sessions_ended_at and ticket.issued_at <= user.sessions_ended_at):
        raise TicketRefused(_("Il collegamento di accesso è già stato usato o non è più valido."))
    # Single use: of two requests racing with the same ticket, one updates the row.
    if not SignOnTicket.objects.filter(pk=ticket.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise TicketRefused(_("Il collegamento di accesso è già stato usato o non è più valido."))
    return SignOn(user=user, otp_device=ticket.otp_device)


# --- sign-out everywhere --------------------------------------------------------------------


def sessions_end_all(user) -> None:
    """End every session of `user`, on every host of the union and every device.

    Each session is refused at its next request (its hash no longer matches) and flushed;
    passes not yet used die too, and so do the tokens of the apps the person let in. The
    personal area's "esci da tutti i dispositivi" calls this.
    """
    now = timezone.now()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(sessions_ended_at=now)
        SignOnTicket.objects.filter(user_id=user.pk, used_at__isnull=True).delete()
        app_tokens_revoke(user, now=now)
    user.sessions_ended_at = now


# --- redirects ------------------------------------------------------------------------------


def callback_url(next_url: str, **params) -> str:
    """The sign-on callback on the host of `next_url` (absolute, already validated)."""
    parts = urlsplit(next_url)
    query = urlencode({**params, "next": next_url})
    return f"{parts.scheme}://{parts.netloc}{reverse('identity:sign_on_callback')}?{query}"


def sign_on_start(request, *, next_url: str, silent: bool = False, reason: str = "") -> HttpResponseRedirect:
    """From a comune's host: ask the union who is signed in, coming back to `next_url`
    (absolute, on this host). Silent: if nobody is, come back at once instead of showing
    the union's sign-in page. `reason`: why the sign-in page is shown (`IDLE_REASON`)."""
    state = request.COOKIES.get(STATE_COOKIE)
    if not valid_state(state):
        state = secrets.token_urlsafe(24)
    query = {"next": next_url, "state": state, **({"prompt": "none"} if silent else {})}
    if reason == IDLE_REASON:
        query[REASON_PARAM] = reason
    response = HttpResponseRedirect(union_url(f"{reverse('identity:sign_on')}?{urlencode(query)}", request))
    # Host-only, for this browser session: binds the ticket to this browser, and its
    # presence means the silent check has been done.
    response.set_cookie(STATE_COOKIE, state, httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


def union_sign_in_redirect(request, *, next_url: str) -> HttpResponseRedirect:
    """After a sign-in on this host: on a comune's host, pass through the union (a ticket
    for it) so the union is signed in too, then go on to `next_url`; on the union, go on."""
    next_url = request.build_absolute_uri(next_url)
    if is_union_host(request) or _shares_session_with_union(request) or not request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    token = ticket_issue(user=request.user, host=settings.UNION_DOMAIN, otp_device=verified_device_id(request))
    query = urlencode({"token": token, "next": next_url})
    return HttpResponseRedirect(union_url(f"{reverse('identity:sign_on_callback')}?{query}", request))


def verified_device_id(request) -> str:
    """The second factor this session gave (django-otp's persistent id), or ""."""
    device = getattr(request.user, "otp_device", None)
    return device.persistent_id if device is not None else ""


def _shares_session_with_union(request) -> bool:
    """A subdomain of a union domain that carries a shared session cookie: signed in here is
    signed in on the union already (tenants/identity/middleware.py)."""
    shared = settings.SESSION_COOKIE_DOMAIN
    return bool(shared) and request_hostname(request).endswith(shared)


def without_loop(next_url: str, request) -> str:
    """`next_url`, marked so the silent check is not run again when the browser sent no nonce
    back (it keeps no cookies: it would be sent round the union for ever)."""
    if valid_state(request.COOKIES.get(STATE_COOKIE)):
        return next_url
    return f"{next_url}{'&' if '?' in next_url else '?'}{SKIP_PARAM}=0"
