"""Public open-data pages: the dataset's description, its CSV and its DCAT-AP_IT metadata."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.reporting import air
from tenants.reporting.commuting import emission_factor
from tenants.reporting.csv_export import SafeWriter
from tenants.reporting.opendata import (
    COLUMNS,
    DATASET_SLUG,
    LICENCE_URI,
    SUPPRESSION_THRESHOLD,
    dcat_metadata,
    open_data_monthly,
    open_data_window,
)

__all__ = [
    "DATASET_SLUG",
    "AIR_SLUG",
    "open_data_page",
    "open_data_csv",
    "open_data_metadata",
    "air_csv",
    "air_metadata",
]

AIR_SLUG = air.DATASET_SLUG


def _metadata(request) -> dict:
    start, end = open_data_window()
    return dcat_metadata(
        dataset_url=request.build_absolute_uri(reverse("reporting:open_data")) + "#" + DATASET_SLUG,
        csv_url=request.build_absolute_uri(reverse("reporting:open_data_csv")),
        page_url=request.build_absolute_uri(reverse("reporting:open_data")),
        start=start,
        end=end,
        modified=timezone.localdate().replace(day=1),
    )


def open_data_page(request):
    metadata = _metadata(request)
    return render(
        request,
        "reporting/open_data.html",
        {
            "metadata": metadata,
            # Safe inside <script>: no "<" can close the element early.
            "metadata_json": json.dumps(metadata, ensure_ascii=False, indent=2).replace("<", "\\u003c"),
            "columns": COLUMNS,
            "threshold": SUPPRESSION_THRESHOLD,
            "licence_uri": LICENCE_URI,
            "factor": emission_factor(),
            "air_metadata_json": json.dumps(_air_metadata(request), ensure_ascii=False, indent=2).replace(
                "<", "\\u003c"
            ),
            "air_columns": air.COLUMNS,
        },
    )


def open_data_csv(request):
    data = open_data_monthly()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{DATASET_SLUG}.csv"'
    response["Link"] = f'<{LICENCE_URI}>; rel="license"'
    writer = SafeWriter(response)
    writer.writerow([key for key, _label in COLUMNS])
    for row in data.rows:
        writer.writerow(["" if row.get(key) is None else row[key] for key, _label in COLUMNS])
    return response


def open_data_metadata(request):
    return JsonResponse(
        _metadata(request), json_dumps_params={"ensure_ascii": False, "indent": 2}, content_type="application/ld+json"
    )


def _air_window(request):
    try:
        return air.air_month_window(request.GET.get("mese"))
    except ValueError:
        return None


def _air_metadata(request) -> dict:
    start, end = air.air_month_window(None)
    return air.air_dcat_metadata(
        dataset_url=request.build_absolute_uri(reverse("reporting:open_data")) + "#" + air.DATASET_SLUG,
        csv_url=request.build_absolute_uri(reverse("reporting:air_csv")),
        page_url=request.build_absolute_uri(reverse("reporting:open_data")),
        start=start,
        end=end,
    )


def air_csv(request):
    """One month of hourly aggregates (?mese=AAAA-MM, default the last complete month)."""
    window = _air_window(request)
    if window is None:
        return HttpResponse(
            _("Il mese va indicato come AAAA-MM, per esempio 2026-10."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    start, end = window
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{air.DATASET_SLUG}-{start:%Y-%m}.csv"'
    response["Link"] = f'<{LICENCE_URI}>; rel="license"'
    writer = SafeWriter(response)
    writer.writerow([key for key, _label in air.COLUMNS])
    for row in air.air_hourly_rows(start, end):
        writer.writerow([row[key] for key, _label in air.COLUMNS])
    return response


def air_metadata(request):
    return JsonResponse(
        _air_metadata(request),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
        content_type="application/ld+json",
    )
