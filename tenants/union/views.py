from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from tenants.comuni.selectors import municipality_list, municipality_url
from tenants.union.hub_directory import HubFilterForm, hub_map, union_hubs
from tenants.union.my_bookings import my_items


def home(request):
    comuni = [(m, municipality_url(m, request=request)) for m in municipality_list().prefetch_related("domains")]
    return render(request, "union/home.html", {"comuni": comuni})


@login_required
def my_bookings(request):
    """Le mie prenotazioni: seats, appointments and events in every comune, each linking to its comune's page."""
    items = my_items(request.user, request=request)
    upcoming = [item for item in items if item.is_upcoming]
    past = [item for item in reversed(items) if not item.is_upcoming]
    return render(request, "union/my_bookings.html", {"upcoming": upcoming, "past": past})


def hubs(request):
    """Gli hub dell'Unione: every comune's hubs on one page and one map, filtered by a GET form."""
    form = HubFilterForm(request.GET or None)
    filters = form.filters()
    found = union_hubs(**filters, request=request)
    return render(
        request,
        "union/hubs.html",
        {
            "form": form,
            "hubs": found,
            "map": hub_map(found),
            "filtered": any(filters.values()),
            "breadcrumbs": [(_("Home"), "/"), (_("Tutti gli hub"), None)],
        },
    )
