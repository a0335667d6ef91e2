"""The person's own data through the API, on the union site: GET /api/v1/me/export/."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from tenants.account.export import export_filename, export_zip
from tenants.audit.services import AuditAction, audit_record
from tenants.identity.oauth import EXPORT


class MyDataExportView(APIView):
    """Every datum the union holds about the caller, in every comune: a zip of JSON and CSV files."""

    permission_classes = [IsAuthenticated]
    # An app's token needs the `export` scope: `read` alone must not download everything.
    token_scopes = {"GET": [EXPORT]}

    @extend_schema(
        summary="I miei dati personali in tutti i comuni (zip di JSON e CSV)",
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="application/zip")},
    )
    def get(self, request):
        audit_record(
            request=request,
            action=AuditAction.EXPORT,
            target=request.user,
            description=_("Esportazione dei propri dati personali (zip, API)"),
        )
        response = HttpResponse(export_zip(request.user), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
        response["Cache-Control"] = "private, no-store"
        return response
