from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from tenants.identity import second_factor
from tenants.identity.sso import IDLE_REASON, SKIP_PARAM, STATE_COOKIE, is_union_host, sign_on_start
from tenants.identity.sso_views import second_factor_redirect, sign_in_redirect


class UnionSessionMiddleware(SessionMiddleware):
    """One sign-in across the union's subdomains, and sign-in still works on a comune's
    institutional hostname: a browser drops a cookie whose domain is not the page's,
    so there the session cookie is host-only."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        shared = settings.SESSION_COOKIE_DOMAIN
        cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
        if shared and cookie is not None:
            host = request.get_host().split(":")[0]
            if not (host == shared.lstrip(".") or host.endswith(shared)):
                cookie["domain"] = ""
        return response


class SignOnCheckMiddleware:
    """On a comune's host, the first page a browser opens asks the union, once per browser
    session, whether its person is signed in there (a silent single sign-on check,
    tenants/identity/sso.py): a person signed in on Cesena arrives on Sarsina signed in.

    Only top-level page loads by a browser (not API calls, assets, prefetches, scripts),
    only by GET, only without a session; after the first check the browser carries the sso
    nonce cookie and is not sent round again."""

    SKIP_PREFIXES = ("/account/", "/api/", "/static/", "/media/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._should_check(request):
            return sign_on_start(request, next_url=request.build_absolute_uri(), silent=True)
        return self.get_response(request)

    def _should_check(self, request) -> bool:
        return (
            request.method == "GET"
            and getattr(request, "municipality", None) is not None
            and self._is_page_load(request)
            and STATE_COOKIE not in request.COOKIES
            and SKIP_PARAM not in request.GET
            and not request.path.startswith(self.SKIP_PREFIXES)
            and not request.user.is_authenticated
        )

    @staticmethod
    def _is_page_load(request) -> bool:
        headers = request.headers
        if headers.get("Sec-Purpose") or headers.get("Purpose"):  # prefetch, prerender
            return False
        if "Sec-Fetch-Dest" in headers:
            return headers["Sec-Fetch-Dest"] == "document" and headers.get("Sec-Fetch-Mode") == "navigate"
        # Browsers send no Sec-Fetch-* to plain-http hosts other than localhost (an institutional
        # name under `make run`), but every page load asks to upgrade insecure requests.
        return headers.get("Upgrade-Insecure-Requests") == "1" and "text/html" in headers.get("Accept", "")


class StaffSessionMiddleware:
    """Staff sessions (tenants/identity/second_factor.py, docs/security.md):

    1. roles: a session whose person's roles changed since it began gets a new key and
       loses its second factor; a request that changes its own person's roles leaves with
       a new key (the second factor kept: it was given in this very session);
    2. idle: a staff session without a request for STAFF_IDLE_TIMEOUT_MINUTES is signed out
       (pages go to the sign-in page, which says why);
    3. second factor: until it is given, a staff session reaches only signing out, single
       sign-on and the second factor's own pages; other pages go to set it up or to type a
       code (on a comune's host through the union, which carries it back), the API says 403.
    Citizens meet only the first.
    """

    OPEN_PREFIXES = (
        "/account/secondo-fattore/",
        "/account/esci/",
        "/account/sso/",
        "/account/accedi/",
        "/static/",
        "/media/",
        "/i18n/",
        "/legale/",
        "/healthz",
        "/readyz",
        "/favicon.ico",
        # The installable app's files (src/portal/pwa.py): every page registers the service
        # worker, and a browser refuses one behind a redirect. No personal data in them.
        "/sw.js",
        "/manifest.webmanifest",
        "/senza-connessione/",
    )
    # After an idle sign-out these go on as anybody's request (a silent sign-on check never shows a page).
    ANONYMOUS_AFTER_IDLE = ("/api/", "/account/sso/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = second_factor.roles_changed_in_request.set(set())
        try:
            response = self._guard(request) or self.get_response(request)
            changed = second_factor.roles_changed_in_request.get()
        finally:
            second_factor.roles_changed_in_request.reset(token)
        user = getattr(request, "user", None)
        if changed and user is not None and user.is_authenticated and user.pk in changed:
            request.session.cycle_key()
            second_factor.session_stamp(request.session, user, fresh=True)
        return response

    def _guard(self, request):
        user = request.user
        if not user.is_authenticated:
            return None
        session = request.session
        stamp = second_factor.role_stamp(user)
        saved = session.get(second_factor.SESSION_ROLES)
        if saved != stamp:
            if saved is not None:
                # Roles granted or revoked since this session began: not with the old key, and
                # staff prove themselves again.
                session.cycle_key()
                session.pop(DEVICE_ID_SESSION_KEY, None)
                user.otp_device = None
            second_factor.session_stamp(session, user)
        if not second_factor.session_is_staff(session, user):
            return None
        if not second_factor.session_seen(session):
            logout(request)
            if request.path_info.startswith(self.ANONYMOUS_AFTER_IDLE):
                return None
            return self._idle_signed_out(request)
        if user.is_verified() or request.path_info.startswith(self.OPEN_PREFIXES):
            return None
        return self._second_factor_needed(request)

    @staticmethod
    def _idle_signed_out(request):
        return sign_in_redirect(request.get_full_path() if request.method == "GET" else "/", reason=IDLE_REASON)

    @staticmethod
    def _second_factor_needed(request):
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _(
                        "Il tuo account è di uno staff: prima di usare l'API con questa sessione conferma "
                        "l'accesso con il secondo fattore (il codice dell'app di autenticazione)."
                    ),
                    "code": "second_factor_required",
                    "fields": {},
                },
                status=403,
                json_dumps_params={"ensure_ascii": False},
            )
        next_url = request.get_full_path() if request.method == "GET" else "/"
        if not is_union_host(request):
            # The second factor is given on the union, which carries it back with the ticket.
            return sign_on_start(request, next_url=request.build_absolute_uri(next_url))
        return second_factor_redirect(request, next_url)
