"""Pages of single sign-on and sign-out (tenants/identity/sso.py explains the flow)."""

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tenants.identity import second_factor
from tenants.identity.sso import (
    IDLE_REASON,
    REASON_PARAM,
    STATE_COOKIE,
    TicketRefused,
    callback_url,
    is_union_host,
    request_hostname,
    return_url_host,
    safe_return_url,
    sessions_end_all,
    sign_on_start,
    ticket_consume,
    ticket_issue,
    union_sign_in_redirect,
    valid_state,
    verified_device_id,
    without_loop,
)


def second_factor_redirect(request, next_url: str):
    """To the page where a signed-in staff member gives the second factor (or sets it up first)."""
    view = "identity:second_factor" if second_factor.totp_device(request.user) else "identity:second_factor_setup"
    return redirect(f"{reverse(view)}?{urlencode({'next': next_url})}")


def _second_factor_pending(request) -> bool:
    return second_factor.session_is_staff(request.session, request.user) and not request.user.is_verified()


def _reason(request) -> str:
    return IDLE_REASON if request.GET.get(REASON_PARAM) == IDLE_REASON else ""


def _to_sign_in(request):
    """The union's sign-in page, coming back here; it says why when a staff session ended idle."""
    return sign_in_redirect(request.get_full_path(), reason=_reason(request))


def sign_in_redirect(next_url: str, *, reason: str = ""):
    response = redirect_to_login(next_url)
    if reason == IDLE_REASON:
        response["Location"] += f"&{REASON_PARAM}={IDLE_REASON}"
    return response


def _refused(request, message: str, *, next_url: str = "/"):
    return render(request, "identity/sign_on_refused.html", {"message": message, "next_url": next_url}, status=400)


@never_cache
def sign_on(request):
    """`/account/sso/`. On the union: send a signed-in person back to `next` with a ticket
    (or through the sign-in page first). On a comune's host: start from here."""
    if not is_union_host(request):
        next_url = request.GET.get("next") or "/"
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
            next_url = "/"  # from here, only back here
        return sign_on_start(request, next_url=request.build_absolute_uri(next_url), reason=_reason(request))

    next_url = request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = request.build_absolute_uri(next_url)  # a page of the union itself
    host = return_url_host(next_url, request)
    if host is None:
        return _refused(
            request, _("L'indirizzo a cui tornare dopo l'accesso non è un sito dell'Unione: non ti ci mandiamo.")
        )
    silent = request.GET.get("prompt") == "none"
    if host == settings.UNION_DOMAIN:
        if request.user.is_authenticated or silent:
            return redirect(next_url)
        return _to_sign_in(request)
    state = request.GET.get("state")
    if not valid_state(state):
        return _refused(request, _("La richiesta di accesso non è valida: riparti dalla pagina del comune."))
    if not request.user.is_authenticated:
        if silent:
            return redirect(callback_url(next_url, prompt="none"))
        return _to_sign_in(request)
    if not silent and _second_factor_pending(request):
        # Staff give the second factor here, once; the ticket carries it to the comune's host.
        return second_factor_redirect(request, request.get_full_path())
    token = ticket_issue(user=request.user, host=host, state=state, otp_device=verified_device_id(request))
    return redirect(callback_url(next_url, token=token, **({"prompt": "none"} if silent else {})))


@never_cache
def sign_on_callback(request):
    """`/account/sso/callback/`: spend the union's ticket, sign in here, go on to `next`."""
    next_url = safe_return_url(request.GET.get("next"), request)
    silent = request.GET.get("prompt") == "none"
    token = request.GET.get("token")
    if not token:  # a silent check, and nobody is signed in on the union
        return redirect(without_loop(next_url, request))
    # Tickets for a comune's host are bound to the browser that asked (its nonce cookie);
    # the union's own, from a sign-in on a comune's host, are not.
    state = None if is_union_host(request) else request.COOKIES.get(STATE_COOKIE, "")
    try:
        sign_on = ticket_consume(token=token, host=request_hostname(request), state=state)
    except TicketRefused as refusal:
        if silent:
            return redirect(without_loop(next_url, request))
        return _refused(request, refusal.message, next_url=next_url)
    login(request, sign_on.user, backend="django.contrib.auth.backends.ModelBackend")
    device = second_factor.carried_device(sign_on.user, sign_on.otp_device)
    if device is not None:
        django_otp.login(request, device)
    return redirect(next_url)


class SignInView(auth_views.LoginView):
    """`/account/accedi/`. The union's page is the one sign-in form people see: on a comune's
    host it sends them there (and back signed in on both). A form posted here still works
    and signs the union in too."""

    template_name = "identity/login.html"

    def get(self, request, *args, **kwargs):
        if is_union_host(request):
            return super().get(request, *args, **kwargs)
        return sign_on_start(
            request, next_url=request.build_absolute_uri(self.get_success_url()), reason=_reason(request)
        )

    def get_context_data(self, **kwargs):
        # A staff session ended after STAFF_IDLE_TIMEOUT_MINUTES without a request: say so.
        return super().get_context_data(
            **kwargs, signed_out_idle=bool(_reason(self.request)), idle_minutes=settings.STAFF_IDLE_TIMEOUT_MINUTES
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        return union_sign_in_redirect(self.request, next_url=response.url)


class SignOutView(auth_views.LogoutView):
    """`/account/esci/` and `/account/esci/ovunque/`: one sign-out ends the person's sessions
    on every host of the union, and on every device."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            sessions_end_all(request.user)
        return super().post(request, *args, **kwargs)
