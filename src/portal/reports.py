"""The comune's own reports, on its subdomain: dashboard, CSV tables and /api/v1/reports/.

The same views as the union's (tenants/reporting), with the comune as the only
one in scope; comune administrators of this comune (and union staff) only.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from tenants.reporting.access import comune_reports_allowed
from tenants.reporting.api import report_api_response
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.views import dashboard_response, table_csv_response


def _refusal(request) -> str:
    return _("Non hai accesso alle statistiche del Comune di %(name)s.") % {"name": request.municipality.name}


def _allowed(request):
    """The comune, if the person may see its reports; None to send them to sign in."""
    if not request.user.is_authenticated:
        return None
    if not comune_reports_allowed(request.user, request.municipality):
        raise PermissionDenied(_refusal(request))
    return comune_schemas([request.municipality.slug])


def comune_dashboard(request):
    allowed = _allowed(request)
    if allowed is None:
        return redirect_to_login(request.get_full_path())
    return dashboard_response(
        request,
        allowed=allowed,
        comune_filter=False,
        title=_("Statistiche del comune"),
        scope_name=_("Comune di %(name)s") % {"name": request.municipality.name},
        csv_url="comune_reports_csv",
    )


def comune_csv(request, key):
    allowed = _allowed(request)
    if allowed is None:
        return redirect_to_login(request.get_full_path())
    return table_csv_response(
        request, key, allowed=allowed, comune_filter=False, filename_prefix=request.municipality.slug
    )


class ComuneReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Statistiche del comune",
        parameters=[
            OpenApiParameter("periodo", str, enum=["day", "week", "month"], description="periodo (predefinito: month)"),
            OpenApiParameter("data", str, description="un giorno del periodo (AAAA-MM-GG)"),
            OpenApiParameter("hub", str, description="<comune>:<id dell'hub>"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        if not comune_reports_allowed(request.user, request.municipality):
            raise exceptions.PermissionDenied(_refusal(request))
        return report_api_response(request, comune_schemas([request.municipality.slug]), comune_filter=False)


urlpatterns = [
    path("statistiche/", comune_dashboard, name="comune_reports"),
    path("statistiche/csv/<slug:key>/", comune_csv, name="comune_reports_csv"),
    path("api/v1/reports/", ComuneReportView.as_view(), name="comune_reports_api"),
]
