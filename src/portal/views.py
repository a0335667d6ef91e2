"""The comune's home page and the page-rating endpoint."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from src.common.time import local_today
from src.desks.selectors import hub_desks_prefetch
from src.hubs.selectors import hub_is_open, hub_list
from src.portal.forms import PageRatingForm
from src.portal.services import page_rating_create
from src.portal.summaries import desk_today, hub_today


def home(request):
    now, today = timezone.now(), local_today()
    hubs = [
        hub_today(hub, today=today, open_now=hub_is_open(hub, now))
        for hub in hub_list(today=today, prefetch=(hub_desks_prefetch(),))
    ]
    # Desks come with their hub from the same prefetch: no query per desk.
    desks = [desk_today(desk, today=today) for entry in hubs for desk in entry.hub.desks.all()]
    return render(
        request,
        "portal/home.html",
        {
            "today": today,
            "hubs": hubs,
            "desks": desks,
            "open_today": [h for h in hubs if h.intervals],
            "desks_open_today": [d for d in desks if d.intervals],
        },
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def page_rating(request):
    """Store one answer of the rating widget. The widget posts with fetch (JSON back) or,
    without JavaScript, as a plain form (a thank-you page back)."""
    form = PageRatingForm(request.POST)
    if not form.is_valid():
        messages = [str(m) for errors in form.errors.values() for m in errors]
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": messages}, status=400)
        return render(request, "portal/rating_result.html", {"ok": False, "errors": messages}, status=400)

    page_rating_create(**form.cleaned_data)
    message = _("Grazie, il tuo parere ci aiuterà a migliorare il servizio!")
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": message})
    return render(
        request, "portal/rating_result.html", {"ok": True, "message": message, "back": form.cleaned_data["path"]}
    )
