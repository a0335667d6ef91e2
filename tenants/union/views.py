from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tenants.comuni.selectors import municipality_list, municipality_url
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
