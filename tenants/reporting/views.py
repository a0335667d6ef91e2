"""Dashboards (union and comune), CSV downloads of every table. Thin: selectors do the work.

The comune dashboard (src/portal/reports.py) uses `dashboard_response` and
`table_csv_response` with its own comune as the only one allowed.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tenants.audit.services import AuditAction, audit_record
from tenants.comuni.selectors import union_url
from tenants.reporting import air
from tenants.reporting.access import comuni_visible_to, union_dashboard_allowed
from tenants.reporting.csv_export import SafeWriter
from tenants.reporting.filters import filters_from
from tenants.reporting.periods import KINDS
from tenants.reporting.selectors import Timings, report_build
from tenants.reporting.tables import build_tables


def _pct(ratio):
    return None if ratio is None else ratio * 100


def dashboard_response(request, *, allowed, comune_filter: bool, title: str, csv_url: str, scope_name: str = ""):
    filters = filters_from(request.GET, allowed, comune_filter=comune_filter)
    timings = Timings()
    report = report_build(filters.query, timings)
    tables, charts = build_tables(report)
    summary = report["summary"]["union"]
    context = {
        "title": title,
        "scope_name": scope_name,
        "filters": filters,
        "kinds": KINDS,
        "comuni": allowed if comune_filter else [],
        "hubs": report["meta"]["hubs"],
        "report": report,
        "kpi": summary,
        "occupancy_pct": _pct(summary["current"]["occupancy"]),
        "no_show_pct": _pct(summary["current"]["no_show_rate"]),
        "open_data_url": union_url("/statistiche/open-data/", request),
        "commuting": report["commuting"],
        "tables": tables,
        "charts": [chart.as_json() for chart in charts],
        "chart_tables": {chart.table for chart in charts},
        "csv_url": csv_url,
        "timings": timings,
        # Air quality (sensors): hours above the CO2 line per hub and month in the period.
        "air_rows": air.air_chart_rows(
            air.hours_above_by_hub_month(filters.query.comuni, filters.query.period.start, filters.query.period.end)
        ),
        "air_line": int(settings.SENSORS_CO2_ALERT_PPM),
    }
    return render(request, "reporting/dashboard.html", context)


def table_csv_response(request, key: str, *, allowed, comune_filter: bool, filename_prefix: str):
    filters = filters_from(request.GET, allowed, comune_filter=comune_filter)
    tables, _charts = build_tables(report_build(filters.query))
    table = next((t for t in tables if t.key == key), None)
    if table is None:
        raise Http404(_("Tabella sconosciuta."))
    audit_record(
        request=request,
        action=AuditAction.EXPORT,
        target=("reporting.table", key),
        description=_("Tabella delle statistiche in CSV (%(period)s)") % {"period": filters.query.period.short_label},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{filename_prefix}-{key}-{filters.query.period.short_label}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # A BOM so that spreadsheet programs read the accents right.
    response.write("\ufeff")
    writer = SafeWriter(response)
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow(["" if row.get(c.key) is None else row.get(c.key) for c in table.columns])
    return response


def _union_allowed(request):
    if not request.user.is_authenticated:
        return None
    if not union_dashboard_allowed(request.user):
        raise PermissionDenied(_("Le statistiche dell'Unione sono riservate allo staff dell'Unione."))
    return comuni_visible_to(request.user)


def union_dashboard(request):
    allowed = _union_allowed(request)
    if allowed is None:
        return redirect_to_login(request.get_full_path())
    return dashboard_response(
        request, allowed=allowed, comune_filter=True, title=_("Statistiche dell'Unione"), csv_url="reporting:csv"
    )


def union_csv(request, key):
    allowed = _union_allowed(request)
    if allowed is None:
        return redirect_to_login(request.get_full_path())
    return table_csv_response(request, key, allowed=allowed, comune_filter=True, filename_prefix="unione")
