"""The installable web app: manifest, service worker, offline page, favicon.

The service worker is a static file (static/site/sw.js) served by a view at /sw.js, so its scope
covers the whole site ("/"), with the JavaScript content type and `Service-Worker-Allowed: /`.
It keeps "le mie prenotazioni" and each booking's QR pass page for the hub's door when the
network is gone (network first, the last copy otherwise), and answers the Italian offline page
for anything else it has never seen. Registered from static/site/pwa.js (no inline scripts).
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Bootstrap Italia's primary blue: the browser's bar and the splash screen match the header.
THEME_COLOR = "#0066CC"
BACKGROUND_COLOR = "#FFFFFF"


def _static_file(path: str):
    """A file of the static tree: from the finders (development, tests) or the collected tree."""
    found = finders.find(path)
    if found:
        return open(found, "rb")  # noqa: SIM115 (FileResponse closes it)
    if staticfiles_storage.exists(path):
        return staticfiles_storage.open(path)
    raise Http404(path)


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    municipality = getattr(request, "municipality", None)
    if municipality is not None:
        name = _("Hub di comunità · Comune di %(name)s") % {"name": municipality.name}
        short_name = _("Hub %(name)s") % {"name": municipality.name}
    else:
        name = _("Hub di comunità · %(name)s") % {"name": settings.UNION_NAME}
        short_name = _("Hub Valle Savio")
    icons = [
        {"src": static("site/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("site/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {
            "src": static("site/icons/icon-maskable-192.png"),
            "sizes": "192x192",
            "type": "image/png",
            "purpose": "maskable",
        },
        {
            "src": static("site/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("site/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
    ]
    data = {
        "id": "/",
        "name": name,
        "short_name": short_name,
        "description": _("Prenota postazioni, sale, appuntamenti ed eventi negli hub di comunità."),
        "lang": "it",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait-primary",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["government", "productivity"],
        "icons": icons,
    }
    if municipality is not None:
        data["shortcuts"] = [
            {"name": _("Le mie prenotazioni"), "url": "/prenotazioni/", "icons": [icons[0]]},
            {"name": _("Hub di comunità"), "url": "/hub/", "icons": [icons[0]]},
        ]
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False, "indent": 1}
    )


@require_GET
def service_worker(request):
    """static/site/sw.js at the root, so it may control every page of this host."""
    response = FileResponse(_static_file("site/sw.js"), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker at most daily anyway; never let a cache keep an old one longer.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request):
    """What the service worker shows for a page it has no copy of, while the network is gone."""
    return render(request, "portal/offline.html")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    return FileResponse(_static_file("favicon.ico"), content_type="image/x-icon")


# The same four addresses on every host (a comune's site and the union's).
def pwa_urls():
    from django.urls import path

    return [
        path("manifest.webmanifest", manifest, name="pwa_manifest"),
        path("sw.js", service_worker, name="pwa_service_worker"),
        path("senza-connessione/", offline, name="pwa_offline"),
        path("favicon.ico", favicon, name="favicon"),
    ]
