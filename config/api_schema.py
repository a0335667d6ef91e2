"""The OpenAPI schema and its documentation page, with the API's JSON errors.

drf-spectacular's views answer in YAML (the schema) and HTML (Swagger UI); left alone, their
refusals (a POST: 405, a format they do not know: 404) would come in YAML or HTML too, the
only ones under /api/ that are not the JSON error of config/api.py.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer


class JsonErrorsMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "exception", False):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    pass


class SchemaDocsView(JsonErrorsMixin, SpectacularSwaggerSplitView):
    pass
