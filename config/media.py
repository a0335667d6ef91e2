"""Uploaded files (hub photos, under MEDIA_ROOT/<schema>/...) served by Django, for `make run`
and the browser tests only (SERVE_MEDIA). In production the reverse proxy serves MEDIA_ROOT
itself (deploy/nginx.conf, `location /media/`), and this view answers 404."""

from django.conf import settings
from django.http import Http404
from django.views.static import serve


def media(request, path: str):
    if not settings.SERVE_MEDIA:
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=3600"
    return response
