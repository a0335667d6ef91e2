"""Refusals a person can read: a page refused for its HTTP method says so in Italian."""

from django.shortcuts import render

API_PREFIX = "/api/"

# Answered by programs, not people: their 405 stays as it is (the API's JSON, OAuth's own).
MACHINE_PREFIXES = (API_PREFIX, "/o/", "/.well-known/")


class MethodNotAllowedPageMiddleware:
    """A page refused for its method (405: a GET of a sign-out or cancel address that only takes
    the form's POST) gets an Italian page with a way on, instead of the empty body Django's
    `require_POST` and class-based views send. The `Allow` header is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.path_info.startswith(MACHINE_PREFIXES)
            or getattr(response, "streaming", False)
            or response.content
        ):
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
