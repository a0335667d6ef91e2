from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware

from tenants.identity.sso import SKIP_PARAM, STATE_COOKIE, sign_on_start


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
