"""Public open-data pages: the dataset's description, its CSV and its DCAT-AP_IT metadata."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

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

__all__ = ["DATASET_SLUG", "open_data_page", "open_data_csv", "open_data_metadata"]


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
