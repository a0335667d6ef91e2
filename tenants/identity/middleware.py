from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware


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
