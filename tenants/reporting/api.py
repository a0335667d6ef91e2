"""/api/v1/reports/: the dashboards' numbers as JSON, scoped by role.

On the union site: union staff see every comune; a comune administrator only
their own comuni (asking for another is refused with a message). On a comune's
subdomain (src/portal/reports.py): that comune only.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.reporting.access import comuni_visible_to
from tenants.reporting.filters import filters_from
from tenants.reporting.opendata import open_data_monthly
from tenants.reporting.periods import KINDS
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.selectors import report_build


def report_api_response(request, allowed, *, comune_filter: bool = True) -> Response:
    params = request.query_params
    if params.get("periodo") and params["periodo"] not in KINDS:
        raise ValidationError({"periodo": _("Valori ammessi: %(kinds)s.") % {"kinds": ", ".join(KINDS)}})
    wanted = params.get("comune")
    if comune_filter and wanted and wanted not in {c.slug for c in allowed}:
        known = comune_schemas([wanted])
        if known:
            raise PermissionDenied(
                _("Non hai accesso alle statistiche del Comune di %(name)s.") % {"name": known[0].name}
            )
        raise ValidationError({"comune": _("Comune sconosciuto.")})
    filters = filters_from(params, allowed, comune_filter=comune_filter)
    if filters.problems:
        # About the query as a whole, not one field: config/api.py joins them into "detail".
        raise ValidationError(filters.problems)
    return Response(report_build(filters.query))


class UnionReportView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        allowed = comuni_visible_to(request.user)
        if not allowed:
            raise PermissionDenied(_("Non hai un ruolo che dia accesso alle statistiche."))
        return report_api_response(request, allowed)


class OpenDataView(APIView):
    """The open-data aggregate as JSON (public: it carries no personal data)."""

    permission_classes = []
    authentication_classes = []

    def get(self, request):
        data = open_data_monthly()
        return Response({"start": data.start, "end": data.end, "rows": data.rows})
